/**
 * What the sandbox saw, in LeadSquared's snapshot shape (snake_case, one window of the rate-limit
 * length): requests per path, and per access key the authenticated calls, the most calls inside any
 * window (exact) and the rate-limited responses. Tests and benchmarks use it to prove a client never
 * overran the limit. The counting is the kit's (kit/stats.ts); `/__sandbox` requests are not counted.
 */
import { RequestStats } from '../../kit/stats.ts';

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
  /** Host header values seen, with counts. */
  hosts: Record<string, number>;
  /** Absolute-form request targets seen (`GET http://host/path`), as sent. */
  absolute_targets: string[];
}

/** The one window LeadSquared measures: the rate-limit length. */
const WINDOW = 'window';

export class SandboxStats {
  private windowMs: number;
  private readonly counts: RequestStats;

  constructor(windowSeconds: number) {
    this.windowMs = windowSeconds * 1000;
    this.counts = new RequestStats([{ name: WINDOW, windowMs: this.windowMs }]);
  }

  /** Later calls are measured against the new window length; maxima seen so far are kept. */
  setWindowSeconds(seconds: number): void {
    this.windowMs = seconds * 1000;
    this.counts.measureWindows([{ name: WINDOW, windowMs: this.windowMs }]);
  }

  recordRequest(path: string, host?: string, rawUrl: string = path): void {
    this.counts.recordRequest(path, host, rawUrl);
  }

  recordUnauthorized(): void {
    this.counts.recordUnauthorized();
  }

  recordCall(accessKey: string, nowMs: number): void {
    this.counts.recordCall(accessKey, nowMs);
  }

  recordRateLimited(accessKey: string): void {
    this.counts.recordRateLimited(accessKey);
  }

  recordFault(kind: string): void {
    this.counts.recordFault(kind);
  }

  reset(): void {
    this.counts.reset();
  }

  snapshot(): StatsSnapshot {
    const s = this.counts.snapshot();
    const access_keys: Record<string, AccessKeyStats> = {};
    for (const [key, k] of Object.entries(s.keys)) {
      access_keys[key] = {
        calls: k.calls,
        max_calls_in_any_window: k.maxInWindow[WINDOW] ?? 0,
        rate_limited_responses: k.rateLimited,
      };
    }
    return {
      since: s.since,
      total_requests: s.total,
      requests_by_path: s.requests,
      unauthorized_responses: s.unauthorized,
      window_seconds: this.windowMs / 1000,
      access_keys,
      faults_injected: s.faultsInjected,
      hosts: s.hosts,
      absolute_targets: s.absoluteTargets,
    };
  }
}
