/**
 * Everything a running sandbox holds: the accounts (API keys → tenant data), the settings that
 * the control API can change, the rate limiter, stats, faults and async jobs.
 */
import type { Socket } from 'node:net';
import type { Tenant } from './data/tenant.ts';
import { AsyncJobs } from './http/async-jobs.ts';
import { FaultInjector } from './http/faults.ts';
import { type RateLimitConfig, RateLimiter } from './http/rate-limit.ts';
import { SandboxStats } from './http/stats.ts';

export interface Account {
  accessKey: string;
  secretKey: string;
  tenant: Tenant;
  /** The user the keys belong to: every call acts as them; deactivating them kills the keys. */
  owner: number;
}

export interface SandboxSettings {
  /** Answer every call but Authenticate with 401 unless it arrives on `apiHost` (see effectiveApiHost). */
  wrongRegion: boolean;
  /** Host reported as `LSQCommonServiceURLs.api`; default: the listen address, or `localhost:<port>` in wrong-region mode. */
  apiHost: string | undefined;
  /** Send validation errors (normally 400/500) with HTTP 200 and `"Status":"Error"`. */
  softErrors: boolean;
  /** Answer bad keys with an empty text/plain 401, the other shape observed, instead of the MX body. */
  emptyUnauthorizedBody: boolean;
}

export class SandboxState {
  readonly accounts = new Map<string, Account>();
  readonly primary: Account;
  readonly settings: SandboxSettings;
  readonly limiter: RateLimiter;
  readonly stats: SandboxStats;
  readonly faults = new FaultInjector();
  readonly jobs: AsyncJobs;
  /** Sockets held open by stall faults, destroyed on close. */
  readonly stalledSockets = new Set<Socket>();
  listenHost = '127.0.0.1';
  listenPort = 0;

  constructor(primary: Account, settings: SandboxSettings, rateLimit: RateLimitConfig, asyncDelayMs: number) {
    this.primary = primary;
    this.accounts.set(primary.accessKey, primary);
    this.settings = settings;
    this.limiter = new RateLimiter(rateLimit);
    this.stats = new SandboxStats(rateLimit.windowSeconds);
    this.jobs = new AsyncJobs(asyncDelayMs);
  }

  effectiveApiHost(): string {
    if (this.settings.apiHost) return this.settings.apiHost;
    if (this.settings.wrongRegion) return `localhost:${this.listenPort}`;
    const host = this.listenHost.includes(':') ? `[${this.listenHost}]` : this.listenHost;
    return `${host}:${this.listenPort}`;
  }

  setRateLimit(config: RateLimitConfig): void {
    this.limiter.configure(config);
    this.stats.setWindowSeconds(config.windowSeconds);
  }
}
