/** Prometheus metrics of the upstream path (`GET /metrics`), one set per server's registry. */
import { Counter, Histogram, type Registry } from 'prom-client';
import { type GuardRefusal, guardRefusals } from './origin-guard.ts';

export class UpstreamMetrics {
  readonly attempts: Counter<'integration' | 'outcome'>;
  readonly retries: Counter<'integration' | 'reason'>;
  readonly vendorRateLimited: Counter<'integration'>;
  readonly pacingRejected: Counter<'integration' | 'reason'>;
  readonly pacingWait: Histogram<'integration'>;
  readonly circuitOpen: Counter<'integration'>;
  readonly storeUnavailable: Counter;
  readonly guardRefused: Counter<'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.attempts = new Counter({
      name: 'switchboard_upstream_attempts_total',
      help: 'Calls sent to vendors (retries included), by outcome: ok, rate-limited, server, network, timeout, bad-response, refused, cancelled',
      labelNames: ['integration', 'outcome'],
      registers,
    });
    this.retries = new Counter({
      name: 'switchboard_upstream_retries_total',
      help: 'Attempts repeated after a failure, by the failure that caused them',
      labelNames: ['integration', 'reason'],
      registers,
    });
    this.vendorRateLimited = new Counter({
      name: 'switchboard_upstream_vendor_rate_limited_total',
      help: 'Vendor answers saying "over the rate limit" (should stay 0: pacing keeps calls within the budget)',
      labelNames: ['integration'],
      registers,
    });
    this.pacingRejected = new Counter({
      name: 'switchboard_upstream_pacing_rejected_total',
      help: 'Client requests answered 429 because the account budget could not fit them within the maximum wait (wait) or the queue was full (queue)',
      labelNames: ['integration', 'reason'],
      registers,
    });
    this.pacingWait = new Histogram({
      name: 'switchboard_upstream_pacing_wait_seconds',
      help: 'Time attempts waited for a slot in the account budget',
      labelNames: ['integration'],
      buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.circuitOpen = new Counter({
      name: 'switchboard_upstream_circuit_open_total',
      help: 'Calls failed fast because the vendor origin circuit was open',
      labelNames: ['integration'],
      registers,
    });
    this.storeUnavailable = new Counter({
      name: 'switchboard_upstream_pacing_store_unavailable_total',
      help: 'Calls refused (503) because the shared rate-limit store (Redis) was unreachable',
      registers,
    });
    this.guardRefused = new Counter({
      name: 'switchboard_upstream_guard_refusals_total',
      help: 'Upstream requests refused by the origin guard before anything was sent (this process), by reason',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        for (const [reason, count] of Object.entries(guardRefusals)) {
          this.inc({ reason: reason as GuardRefusal }, count);
        }
      },
    });
  }
}
