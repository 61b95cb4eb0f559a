/**
 * The in-process control handle: change the rate limit, faults and settings at run time, read and
 * reset stats, add accounts, follow async requests, and read the data directly. The HTTP routes
 * under /__sandbox (control-routes.ts) call the same functions.
 */
import { type AddAccountOptions, addAccount } from './accounts.ts';
import type { Tenant } from './data/tenant.ts';
import type { AsyncRequestRecord } from './http/async-jobs.ts';
import { type FaultRule, validateFaultRule, validateFaultRules } from './http/faults.ts';
import { normaliseRateLimit, type RateLimitConfig } from './http/rate-limit.ts';
import type { StatsSnapshot } from './http/stats.ts';
import type { SandboxSettings, SandboxState } from './state.ts';
import { type UserSnapshot, userSnapshot } from './views/user-views.ts';

export interface SettingsView extends SandboxSettings {
  asyncDelayMs: number;
  /** The host Authenticate reports (and wrong-region mode accepts). */
  effectiveApiHost: string;
}

export interface SandboxControl {
  /** The primary account's data (users, teams, groups, templates, …), live. */
  readonly data: Tenant;
  /** The data behind an access key. */
  tenantOf(accessKey: string): Tenant | undefined;
  /** A user by id or email (case-insensitive), obsolete users included; undefined when unknown. */
  user(idOrEmail: string, accessKey?: string): UserSnapshot | undefined;
  /** Every non-obsolete user, in id order. */
  users(accessKey?: string): Generator<UserSnapshot>;

  /** Merges into the current limit; `{ calls: 0 }` or `false` turns it off. Forgets earlier calls. */
  setRateLimit(limit: Partial<RateLimitConfig> | false): RateLimitConfig;
  getRateLimit(): RateLimitConfig;

  setFaults(rules: FaultRule[]): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  getFaults(): FaultRule[];

  stats(): StatsSnapshot;
  resetStats(): void;

  setSettings(settings: Partial<SandboxSettings> & { asyncDelayMs?: number }): SettingsView;
  getSettings(): SettingsView;

  addAccount(options?: AddAccountOptions): { accessKey: string; secretKey: string; data: Tenant };
  accounts(): { accessKey: string; secretKey: string; ownerUserId: string; sharedWithPrimary: boolean }[];

  /** An asynchronous request (sales-group AddUsers/RemoveUsers, manager bulk update) by its id. */
  request(id: string): AsyncRequestRecord | undefined;
  /** Resolves when every pending asynchronous request has been applied and its callback attempted. */
  settle(): Promise<void>;
}

function snapshotOf(t: Tenant, idOrEmail: string): UserSnapshot | undefined {
  let i = t.users.indexOfId(idOrEmail);
  if (i < 0) i = t.users.indexOfEmail(idOrEmail);
  return i >= 0 ? userSnapshot(t, i) : undefined;
}

export function createControl(state: SandboxState): SandboxControl {
  const tenantFor = (accessKey?: string): Tenant => {
    if (accessKey === undefined) return state.primary.tenant;
    const account = state.accounts.get(accessKey);
    if (!account) throw new Error(`no account with access key ${accessKey}`);
    return account.tenant;
  };
  const settings = (): SettingsView => ({
    ...state.settings,
    asyncDelayMs: state.jobs.delayMs,
    effectiveApiHost: state.effectiveApiHost(),
  });
  return {
    data: state.primary.tenant,
    tenantOf: (accessKey) => state.accounts.get(accessKey)?.tenant,
    user: (idOrEmail, accessKey) => snapshotOf(tenantFor(accessKey), idOrEmail),
    *users(accessKey) {
      const t = tenantFor(accessKey);
      for (let i = 0; i < t.users.count; i++) if (t.isListed(i)) yield userSnapshot(t, i);
    },

    setRateLimit(limit) {
      const config = normaliseRateLimit(limit === false ? { calls: 0 } : limit, state.limiter.config);
      state.setRateLimit(config);
      return { ...config };
    },
    getRateLimit: () => ({ ...state.limiter.config }),

    setFaults: (rules) => state.faults.set(validateFaultRules(rules)),
    addFault: (rule) => state.faults.add(validateFaultRule(rule)),
    clearFaults: () => state.faults.set([]),
    getFaults: () => state.faults.list,

    stats: () => state.stats.snapshot(),
    resetStats: () => state.stats.reset(),

    setSettings(next) {
      const { asyncDelayMs, ...rest } = next;
      if (asyncDelayMs !== undefined) {
        if (!(typeof asyncDelayMs === 'number' && asyncDelayMs >= 0))
          throw new Error('asyncDelayMs must be >= 0');
        state.jobs.delayMs = asyncDelayMs;
      }
      for (const key of ['wrongRegion', 'softErrors', 'emptyUnauthorizedBody'] as const) {
        if (rest[key] !== undefined) state.settings[key] = Boolean(rest[key]);
      }
      if ('apiHost' in rest) state.settings.apiHost = rest.apiHost || undefined;
      return settings();
    },
    getSettings: settings,

    addAccount(options) {
      const account = addAccount(state, options);
      return { accessKey: account.accessKey, secretKey: account.secretKey, data: account.tenant };
    },
    accounts: () =>
      [...state.accounts.values()].map((a) => ({
        accessKey: a.accessKey,
        secretKey: a.secretKey,
        ownerUserId: a.tenant.users.idOf(a.owner),
        sharedWithPrimary: a !== state.primary && a.tenant === state.primary.tenant,
      })),

    request: (id) => state.jobs.get(id),
    settle: () => state.jobs.settle(),
  };
}
