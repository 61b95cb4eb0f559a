/**
 * What an emulator saw, for tests and benchmarks: requests per route, refusals, and per key (token,
 * account or app) the authenticated calls and the most calls inside any window of each rate-limit length
 * (exact: a sliding log per key and window), which proves a client never overran a limit. It also keeps
 * every Host header and absolute-form request target it was sent, so a test can prove that no request
 * meant for another host reached it. `/__sandbox` control requests are not counted.
 */
import { SlidingWindowLog } from './sliding-window.ts';

export interface KeyStats {
  /** Authenticated calls, rate-limited ones included (a client that overruns a limit shows here). */
  calls: number;
  rateLimited: number;
  /** Per measured window name: the most calls any window of that length held. */
  maxInWindow: Record<string, number>;
}

export interface StatsSnapshot {
  since: string;
  /** Every request, answered or refused (control routes excluded). */
  total: number;
  /** Per route pattern (`/crm/v3/owners/{ownerId}`), or the raw path for unknown routes. */
  requests: Record<string, number>;
  unauthorized: number;
  rateLimited: number;
  /** Calls to the OAuth token endpoint. */
  tokenEndpoint: number;
  keys: Record<string, KeyStats>;
  /** Host header values, with counts (`(none)` when absent). */
  hosts: Record<string, number>;
  /** Distinct absolute-form request targets (`GET http://other.example/path`), as sent. */
  absoluteTargets: string[];
  faultsInjected: Record<string, number>;
  /** The windows `maxInWindow` is measured over: name → length in ms. */
  windows: Record<string, number>;
}

interface MeasuredWindow {
  name: string;
  windowMs: number;
}

interface KeyRecord {
  calls: number;
  rateLimited: number;
  logs: Map<string, SlidingWindowLog>;
  max: Map<string, number>;
}

/** Distinct paths, hosts and targets are kept up to these counts, then lumped under `(other)`. */
const MAX_DISTINCT = 500;

function bump(map: Map<string, number>, key: string): void {
  const k = map.has(key) || map.size < MAX_DISTINCT ? key : '(other)';
  map.set(k, (map.get(k) ?? 0) + 1);
}

export class RequestStats {
  #windows: MeasuredWindow[];
  #since = new Date();
  #total = 0;
  #unauthorized = 0;
  #rateLimited = 0;
  #tokenEndpoint = 0;
  readonly #requests = new Map<string, number>();
  readonly #keys = new Map<string, KeyRecord>();
  readonly #hosts = new Map<string, number>();
  readonly #absolute = new Set<string>();
  readonly #faults = new Map<string, number>();

  constructor(windows: readonly MeasuredWindow[] = []) {
    this.#windows = windows.map((w) => ({ name: w.name, windowMs: w.windowMs }));
  }

  /**
   * Later calls are measured over these windows. Logs restart; the maxima seen so far are kept under
   * their window names (a window renamed away keeps its old maximum in snapshots).
   */
  measureWindows(windows: readonly MeasuredWindow[]): void {
    this.#windows = windows.map((w) => ({ name: w.name, windowMs: w.windowMs }));
    for (const k of this.#keys.values()) k.logs.clear();
  }

  recordRequest(route: string, host: string | undefined, rawUrl: string): void {
    this.#total++;
    bump(this.#requests, route);
    bump(this.#hosts, host ?? '(none)');
    if (!rawUrl.startsWith('/') && this.#absolute.size < MAX_DISTINCT) this.#absolute.add(rawUrl);
  }

  recordUnauthorized(): void {
    this.#unauthorized++;
  }

  recordTokenEndpoint(): void {
    this.#tokenEndpoint++;
  }

  /** An authenticated call by `key` at `nowMs` (any monotonic or wall clock in ms, used consistently). */
  recordCall(key: string, nowMs: number): void {
    let k = this.#keys.get(key);
    if (!k) {
      k = { calls: 0, rateLimited: 0, logs: new Map(), max: new Map() };
      this.#keys.set(key, k);
    }
    k.calls++;
    for (const w of this.#windows) {
      let log = k.logs.get(w.name);
      if (!log) {
        log = new SlidingWindowLog(64);
        k.logs.set(w.name, log);
      }
      log.evict(nowMs, w.windowMs);
      log.push(nowMs);
      if (log.length > (k.max.get(w.name) ?? 0)) k.max.set(w.name, log.length);
    }
  }

  /** A call refused by the rate limit; counted for the key only once the key has made a call. */
  recordRateLimited(key: string): void {
    this.#rateLimited++;
    const k = this.#keys.get(key);
    if (k) k.rateLimited++;
  }

  recordFault(kind: string): void {
    this.#faults.set(kind, (this.#faults.get(kind) ?? 0) + 1);
  }

  reset(): void {
    this.#since = new Date();
    this.#total = 0;
    this.#unauthorized = 0;
    this.#rateLimited = 0;
    this.#tokenEndpoint = 0;
    this.#requests.clear();
    this.#keys.clear();
    this.#hosts.clear();
    this.#absolute.clear();
    this.#faults.clear();
  }

  snapshot(): StatsSnapshot {
    const keys: Record<string, KeyStats> = {};
    for (const [key, k] of this.#keys) {
      keys[key] = { calls: k.calls, rateLimited: k.rateLimited, maxInWindow: Object.fromEntries(k.max) };
    }
    return {
      since: this.#since.toISOString(),
      total: this.#total,
      requests: Object.fromEntries(this.#requests),
      unauthorized: this.#unauthorized,
      rateLimited: this.#rateLimited,
      tokenEndpoint: this.#tokenEndpoint,
      keys,
      hosts: Object.fromEntries(this.#hosts),
      absoluteTargets: [...this.#absolute],
      faultsInjected: Object.fromEntries(this.#faults),
      windows: Object.fromEntries(this.#windows.map((w) => [w.name, w.windowMs])),
    };
  }
}
