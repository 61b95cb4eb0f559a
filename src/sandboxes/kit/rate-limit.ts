/**
 * Vendor rate limits: several windows at once per key (e.g. 100 calls per 10 s and 250,000 per day), each
 * an exact sliding log. A call is accepted only when every window has room; only accepted calls fill the
 * windows, so a client that backs off gets in again as soon as old calls age out. A window counts calls
 * (`unit: 'calls'`) or the call's cost (`unit: 'cost'`, for token budgets such as Pipedrive's daily tokens).
 */
import { SlidingWindowLog } from './sliding-window.ts';

export interface RateWindow {
  /** The vendor's policy name, used in bodies, headers and stats, e.g. `TEN_SECONDLY_ROLLING`, `DAILY`. */
  name: string;
  /** Calls (or cost) allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
  /** What fills the window: one per call (default) or the call's cost. */
  unit?: 'calls' | 'cost';
}

/** One window as a call found it (after recording the call, when accepted). */
export interface WindowState {
  name: string;
  limit: number;
  windowMs: number;
  used: number;
  remaining: number;
  /** Epoch ms when the oldest counted call leaves the window (now when the window is empty). */
  resetAt: number;
}

export interface RateDecision {
  allowed: boolean;
  key: string;
  now: number;
  windows: WindowState[];
  /** The first window (in configured order) that refused the call. */
  exceeded?: WindowState;
  /** Milliseconds until the call would fit (0 when allowed). */
  retryAfterMs: number;
}

function check(windows: readonly RateWindow[]): RateWindow[] {
  const names = new Set<string>();
  return windows.map((w) => {
    if (typeof w.name !== 'string' || w.name === '') throw new Error('rate window needs a name');
    if (names.has(w.name)) throw new Error(`rate window ${w.name} given twice`);
    names.add(w.name);
    if (!(Number.isFinite(w.limit) && w.limit >= 0))
      throw new Error(`rate window ${w.name}: limit must be >= 0`);
    if (!(Number.isFinite(w.windowMs) && w.windowMs > 0))
      throw new Error(`rate window ${w.name}: windowMs must be > 0`);
    if (w.unit !== undefined && w.unit !== 'calls' && w.unit !== 'cost')
      throw new Error(`rate window ${w.name}: unit must be calls or cost`);
    return { name: w.name, limit: w.limit, windowMs: w.windowMs, unit: w.unit ?? 'calls' };
  });
}

export class MultiWindowLimiter {
  #windows: RateWindow[];
  /** Per key, one log per window (same order as #windows). */
  readonly #logs = new Map<string, SlidingWindowLog[]>();

  constructor(windows: readonly RateWindow[] = []) {
    this.#windows = check(windows);
  }

  get windows(): RateWindow[] {
    return this.#windows.map((w) => ({ ...w }));
  }

  /** Replaces the windows and forgets earlier calls. An empty list turns limiting off. */
  configure(windows: readonly RateWindow[]): void {
    this.#windows = check(windows);
    this.#logs.clear();
  }

  /** Forgets earlier calls, keeping the windows. */
  reset(): void {
    this.#logs.clear();
  }

  /** Records the call for `key` if every window has room for it, and says how each window stands. */
  take(key: string, now = Date.now(), cost = 1): RateDecision {
    const windows = this.#windows;
    if (windows.length === 0) return { allowed: true, key, now, windows: [], retryAfterMs: 0 };
    let logs = this.#logs.get(key);
    if (!logs) {
      logs = windows.map((w) => new SlidingWindowLog(Math.min(w.limit, 1024)));
      this.#logs.set(key, logs);
    }
    let exceededAt = -1;
    let freeAt = now;
    for (let k = 0; k < windows.length; k++) {
      const w = windows[k];
      logs[k].evict(now, w.windowMs);
      const at = logs[k].freesAt(w.unit === 'cost' ? cost : 1, w.limit, w.windowMs);
      if (at !== undefined) {
        if (exceededAt < 0) exceededAt = k;
        freeAt = Math.max(freeAt, at);
      }
    }
    const allowed = exceededAt < 0;
    if (allowed)
      for (let k = 0; k < windows.length; k++) logs[k].push(now, windows[k].unit === 'cost' ? cost : 1);
    const states = windows.map((w, k): WindowState => {
      const used = logs[k].total;
      return {
        name: w.name,
        limit: w.limit,
        windowMs: w.windowMs,
        used,
        remaining: Math.max(0, w.limit - used),
        resetAt: (logs[k].oldest ?? now - w.windowMs) + w.windowMs,
      };
    });
    return {
      allowed,
      key,
      now,
      windows: states,
      exceeded: allowed ? undefined : states[exceededAt],
      retryAfterMs: allowed ? 0 : freeAt - now,
    };
  }
}

export type RateHeaders = Record<string, string | number>;
/** Writes the vendor's rate-limit headers for a decision (allowed or refused). */
export type RateHeaderWriter = (decision: RateDecision) => RateHeaders;

function windowOf(decision: RateDecision, name: string | undefined): WindowState | undefined {
  if (name === undefined) return decision.exceeded ?? decision.windows[0];
  return decision.windows.find((w) => w.name === name);
}

/**
 * `X-RateLimit-Limit`, `-Remaining`, `-Reset` (names configurable) for one window (default: the refusing
 * window, else the first). `reset` is `epoch-seconds`, `epoch-ms` or `seconds` (delta until the reset).
 */
export function xRateLimitHeaders(
  options: {
    window?: string;
    reset?: 'epoch-seconds' | 'epoch-ms' | 'seconds';
    names?: { limit: string; remaining: string; reset: string };
  } = {},
): RateHeaderWriter {
  const names = options.names ?? {
    limit: 'x-ratelimit-limit',
    remaining: 'x-ratelimit-remaining',
    reset: 'x-ratelimit-reset',
  };
  return (decision) => {
    const w = windowOf(decision, options.window);
    if (!w) return {};
    return {
      [names.limit]: w.limit,
      [names.remaining]: w.remaining,
      [names.reset]: formatReset(w.resetAt, decision.now, options.reset ?? 'epoch-seconds'),
    };
  };
}

function formatReset(resetAt: number, now: number, style: 'epoch-seconds' | 'epoch-ms' | 'seconds'): number {
  if (style === 'epoch-ms') return Math.ceil(resetAt);
  if (style === 'seconds') return Math.max(0, Math.ceil((resetAt - now) / 1000));
  return Math.ceil(resetAt / 1000);
}

/** `Retry-After: <seconds>` on refused calls only. */
export function retryAfterHeader(): RateHeaderWriter {
  return (decision): RateHeaders =>
    decision.allowed ? {} : { 'retry-after': Math.max(1, Math.ceil(decision.retryAfterMs / 1000)) };
}

/**
 * The structured header Close sends (`ratelimit: limit=…, remaining=…, reset=…`, reset in seconds from
 * now), from the IETF RateLimit-fields draft. `separator` is what stands between the fields.
 */
export function structuredRateLimitHeader(
  options: { header?: string; window?: string; separator?: string } = {},
): RateHeaderWriter {
  return (decision) => {
    const w = windowOf(decision, options.window);
    if (!w) return {};
    const reset = formatReset(w.resetAt, decision.now, 'seconds');
    const sep = options.separator ?? ', ';
    return {
      [options.header ?? 'ratelimit']: `limit=${w.limit}${sep}remaining=${w.remaining}${sep}reset=${reset}`,
    };
  };
}

/** Several writers into one (later writers win on the same header). */
export function combineHeaders(...writers: RateHeaderWriter[]): RateHeaderWriter {
  return (decision) => Object.assign({}, ...writers.map((write) => write(decision)));
}
