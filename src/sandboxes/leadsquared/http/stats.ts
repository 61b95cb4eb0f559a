/**
 * What the sandbox saw: requests per path, and per access key the number of authenticated calls,
 * the most calls inside any window of the rate-limit length (exact: a sliding log per key), and
 * how many were answered as rate-limited. Tests and benchmarks use it to prove a client never
 * overran the limit. `/__sandbox` control requests are not counted.
 */
import { SlidingWindowLog } from './sliding-window.ts';

interface KeyStats {
  calls: number;
  maxInWindow: number;
  rateLimited: number;
  log: SlidingWindowLog;
}

export interface AccessKeyStats {
  calls: number;
  max_calls_in_any_window: number;
  rate_limited_responses: number;
}

export interface StatsSnapshot {
  since: string;
  total_requests: number;
  requests_by_path: Record<string, number>;
  unauthorized_responses: number;
  window_seconds: number;
  access_keys: Record<string, AccessKeyStats>;
  faults_injected: Record<string, number>;
}

/** Unknown paths are counted under their own text up to this many distinct paths. */
const MAX_DISTINCT_PATHS = 500;

export class SandboxStats {
  private windowMs: number;
  private since = new Date();
  private totalRequests = 0;
  private unauthorized = 0;
  private readonly byPath = new Map<string, number>();
  private readonly keys = new Map<string, KeyStats>();
  private readonly faults = new Map<string, number>();

  constructor(windowSeconds: number) {
    this.windowMs = windowSeconds * 1000;
  }

  /** Later calls are measured against the new window length; maxima seen so far are kept. */
  setWindowSeconds(seconds: number): void {
    this.windowMs = seconds * 1000;
    for (const k of this.keys.values()) k.log.clear();
  }

  recordRequest(path: string): void {
    this.totalRequests++;
    const key = this.byPath.has(path) || this.byPath.size < MAX_DISTINCT_PATHS ? path : '(other)';
    this.byPath.set(key, (this.byPath.get(key) ?? 0) + 1);
  }

  recordUnauthorized(): void {
    this.unauthorized++;
  }

  recordCall(accessKey: string, nowMs: number): void {
    let k = this.keys.get(accessKey);
    if (!k) {
      k = { calls: 0, maxInWindow: 0, rateLimited: 0, log: new SlidingWindowLog(64) };
      this.keys.set(accessKey, k);
    }
    k.calls++;
    k.log.evict(nowMs, this.windowMs);
    k.log.push(nowMs);
    if (k.log.length > k.maxInWindow) k.maxInWindow = k.log.length;
  }

  recordRateLimited(accessKey: string): void {
    const k = this.keys.get(accessKey);
    if (k) k.rateLimited++;
  }

  recordFault(kind: string): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
  }

  reset(): void {
    this.since = new Date();
    this.totalRequests = 0;
    this.unauthorized = 0;
    this.byPath.clear();
    this.keys.clear();
    this.faults.clear();
  }

  snapshot(): StatsSnapshot {
    const access_keys: Record<string, AccessKeyStats> = {};
    for (const [key, k] of this.keys) {
      access_keys[key] = {
        calls: k.calls,
        max_calls_in_any_window: k.maxInWindow,
        rate_limited_responses: k.rateLimited,
      };
    }
    return {
      since: this.since.toISOString(),
      total_requests: this.totalRequests,
      requests_by_path: Object.fromEntries(this.byPath),
      unauthorized_responses: this.unauthorized,
      window_seconds: this.windowMs / 1000,
      access_keys,
      faults_injected: Object.fromEntries(this.faults),
    };
  }
}
