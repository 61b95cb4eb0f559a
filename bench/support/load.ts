/**
 * Load generation with autocannon, in this process (pinned to the load CPU when pinning is available).
 * Latencies are taken from autocannon's per-response timings (float milliseconds) rather than its
 * histogram, which rounds to whole milliseconds: too coarse for sub-millisecond loopback calls.
 * Targets are measured round-robin (A, B, C, A, B, C, …) so that drift on a shared machine spreads over
 * all of them; figures are medians over the runs.
 */
import autocannon from 'autocannon';
import { cpuSeconds } from './cpu.ts';
import type { LoadSizing } from './options.ts';
import { median, percentileSorted, round } from './stats.ts';

export interface LoadTarget {
  name: string;
  /** Full URL, query string included; with `paths`, the origin only. */
  url: string;
  /** Paths (with query) requested in turn by every connection, e.g. one per linked account. */
  paths?: string[];
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** The server process whose CPU per request is reported (the server under test). */
  cpuPid?: number;
}

export interface LoadRun {
  requests_per_sec: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  latency_mean_ms: number;
  requests: number;
  errors: number;
  non_2xx: number;
  /** CPU the server under test used per successful request, in microseconds (Linux only). */
  server_cpu_us_per_request?: number;
}

export interface LoadFigures extends LoadRun {
  connections: number;
  runs: LoadRun[];
}

/** Keeps at most this many latency samples per run (bounded memory); beyond it, every k-th is kept. */
const MAX_SAMPLES = 1_000_000;

export async function runLoad(target: LoadTarget, connections: number, durationS: number): Promise<LoadRun> {
  const samples = new Float64Array(MAX_SAMPLES);
  let kept = 0;
  let seen = 0;
  let instance!: autocannon.Instance;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: target.url,
        method: target.method ?? 'GET',
        headers: target.headers,
        body: target.body,
        ...(target.paths
          ? {
              requests: target.paths.map((path) => ({
                method: target.method ?? 'GET',
                path,
                headers: target.headers,
                body: target.body,
              })),
            }
          : {}),
        connections,
        duration: durationS,
        timeout: 30,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode < 200 || statusCode >= 300) return;
    seen++;
    if (kept < MAX_SAMPLES) samples[kept++] = responseTime;
  });
  const cpuBefore = target.cpuPid ? cpuSeconds(target.cpuPid) : undefined;
  const result = await finished;
  const cpuAfter = target.cpuPid ? cpuSeconds(target.cpuPid) : undefined;
  const sorted = samples.subarray(0, kept).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const ok = result['2xx'];
  return {
    requests_per_sec: Math.round(ok / result.duration),
    latency_p50_ms: round(percentileSorted(sorted, 50), 3),
    latency_p99_ms: round(percentileSorted(sorted, 99), 3),
    latency_mean_ms: round(kept ? sum / kept : Number.NaN, 3),
    requests: seen,
    errors: result.errors + result.timeouts,
    non_2xx: result.non2xx,
    ...(cpuBefore !== undefined && cpuAfter !== undefined && ok > 0
      ? { server_cpu_us_per_request: round(((cpuAfter - cpuBefore) * 1e6) / ok, 1) }
      : {}),
  };
}

/** Warms every target up, then measures them round-robin; returns each target's median figures. */
export async function compareTargets(
  targets: LoadTarget[],
  connections: number,
  sizing: LoadSizing,
  log: (line: string) => void = () => {},
): Promise<Record<string, LoadFigures>> {
  if (sizing.warmupS > 0) for (const target of targets) await runLoad(target, connections, sizing.warmupS);
  const runs: Record<string, LoadRun[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let k = 0; k < sizing.runs; k++) {
    for (const target of targets) {
      const run = await runLoad(target, connections, sizing.durationS);
      runs[target.name]!.push(run);
      log(
        `  ${target.name} c=${connections} run ${k + 1}/${sizing.runs}: ${run.requests_per_sec} req/s, ` +
          `p50 ${run.latency_p50_ms} ms, p99 ${run.latency_p99_ms} ms` +
          (run.errors || run.non_2xx ? `, ${run.errors} errors, ${run.non_2xx} non-2xx` : ''),
      );
    }
  }
  const out: Record<string, LoadFigures> = {};
  for (const target of targets) {
    const r = runs[target.name]!;
    out[target.name] = {
      connections,
      requests_per_sec: Math.round(median(r.map((x) => x.requests_per_sec))),
      latency_p50_ms: round(median(r.map((x) => x.latency_p50_ms)), 3),
      latency_p99_ms: round(median(r.map((x) => x.latency_p99_ms)), 3),
      latency_mean_ms: round(median(r.map((x) => x.latency_mean_ms)), 3),
      requests: r.reduce((s, x) => s + x.requests, 0),
      errors: r.reduce((s, x) => s + x.errors, 0),
      non_2xx: r.reduce((s, x) => s + x.non_2xx, 0),
      ...(r.every((x) => x.server_cpu_us_per_request !== undefined)
        ? { server_cpu_us_per_request: round(median(r.map((x) => x.server_cpu_us_per_request!)), 1) }
        : {}),
      runs: r,
    };
  }
  return out;
}

/** Checks a target answers 2xx before it is loaded (a misconfigured target would otherwise measure errors). */
export async function checkTarget(target: LoadTarget): Promise<string> {
  const texts = await Promise.all(
    (target.paths ?? ['']).map((path) => checkUrl(target, `${target.url}${path}`)),
  );
  return texts[0]!;
}

async function checkUrl(target: LoadTarget, url: string): Promise<string> {
  const response = await fetch(url, {
    method: target.method ?? 'GET',
    headers: { ...target.headers, ...(target.body ? { 'content-type': 'application/json' } : {}) },
    body: target.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target.name}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text;
}
