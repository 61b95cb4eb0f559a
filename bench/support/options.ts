/**
 * How a benchmark run is sized. `--smoke` (or BENCH_SMOKE=1) runs every benchmark at a tiny size so CI can
 * check that each still produces its figures; the figures of a smoke run mean nothing and are not published.
 */
export const SMOKE = process.argv.includes('--smoke') || process.env['BENCH_SMOKE'] === '1';

export interface LoadSizing {
  /** Seconds of warm-up per target before measuring (JIT, connection pools, caches); 0 skips it. */
  warmupS: number;
  /** Seconds per measured run. */
  durationS: number;
  /** Measured runs per target; figures are medians over them. */
  runs: number;
}

export const LOAD: LoadSizing = SMOKE
  ? { warmupS: 0, durationS: 0.5, runs: 1 }
  : { warmupS: 3, durationS: 5, runs: 3 };

/**
 * The throughput benchmarks measure Switchboard, not LeadSquared's 5 calls per second: each account's budget
 * is lifted (PATCH rate_limit), and the load is spread over many linked accounts (tenants), the way a
 * deployment's traffic is; every call still takes and releases a pacing slot.
 */
export const UNPACED = { calls: 100_000, window_seconds: 1 };
export const ACCOUNTS = SMOKE ? 4 : 64;
