/** Renders a run's results as docs/benchmarks.md: every figure, each goal beside it, and the method. */
import type { MemoryResult } from '../memory.ts';
import type { ProxyOverheadResult } from '../proxy-overhead.ts';
import type { RateLimitResult } from '../rate-limit.ts';
import type { RefreshStormResult } from '../refresh-storm.ts';
import type { UnifiedListResult } from '../unified-list.ts';
import type { Goal } from './goals.ts';
import type { LoadFigures } from './load.ts';
import type { MachineInfo } from './machine.ts';
import { LOAD, UNPACED } from './options.ts';

export interface BenchResults {
  smoke: boolean;
  machine: MachineInfo;
  duration_s: number;
  goals: Goal[];
  failures: Record<string, string>;
  proxy_overhead?: ProxyOverheadResult;
  unified_list?: UnifiedListResult;
  rate_limit?: RateLimitResult;
  refresh_storm?: RefreshStormResult;
  memory?: MemoryResult;
}

const fmt = (n: number | null | undefined, digits = 2) =>
  n === null || n === undefined || !Number.isFinite(n)
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function loadRows(
  figures: Record<string, LoadFigures>,
  labels: Record<string, string>,
): Array<Array<string | number>> {
  return Object.entries(figures).map(([name, f]) => [
    labels[name] ?? name,
    fmt(f.requests_per_sec, 0),
    fmt(f.latency_p50_ms, 3),
    fmt(f.latency_p99_ms, 3),
    fmt(f.server_cpu_us_per_request, 1),
    f.errors + f.non_2xx === 0 ? '0' : `**${f.errors + f.non_2xx}**`,
  ]);
}

const LOAD_HEADER = ['Path', 'req/s', 'p50 (ms)', 'p99 (ms)', 'server CPU per request (µs)', 'errors'];

function metCell(g: Goal): string {
  return g.met === null ? 'not measured' : g.met ? '**met**' : '**not met**';
}

function proxySection(r: ProxyOverheadResult): string {
  const labels = {
    direct: 'direct to the sandbox',
    nginx: `${r.nginx.version ?? 'nginx'} → sandbox`,
    switchboard: `Switchboard proxy API → sandbox (${r.call.match(/over (\d+)/)?.[1] ?? 'many'} accounts)`,
    switchboard_one_account: 'Switchboard proxy API → sandbox (all on one account)',
  };
  const f = r.figures;
  return `## 1. Proxy overhead

The same LeadSquared call — ${r.call} — made directly, through nginx and through Switchboard.
${r.nginx.available ? `nginx: ${r.nginx.version} (${r.nginx.note}).` : `**nginx comparison skipped:** ${r.nginx.note}.`}
"Server CPU per request" is the CPU the process in the middle used (for "direct", the sandbox's), read
from /proc over each run.

Concurrency 1:

${table(LOAD_HEADER, loadRows(r.concurrency['c1']!, labels))}

Concurrency 64:

${table(LOAD_HEADER, loadRows(r.concurrency['c64']!, labels))}

| Figure | Value | Goal |
| --- | --- | --- |
| Latency Switchboard adds, p50, concurrency 1 | ${fmt(f.switchboard_added_p50_ms_c1, 3)} ms | ≤ 1 ms |
| Latency Switchboard adds, p99, concurrency 1 | ${fmt(f.switchboard_added_p99_ms_c1, 3)} ms | |
| Latency nginx adds, p50, concurrency 1 | ${fmt(f.nginx_added_p50_ms_c1, 3)} ms | |
| Switchboard throughput ÷ nginx's, concurrency 64 | ${fmt(f.switchboard_vs_nginx_throughput_c64, 3)}× | ≥ 0.9× |
| Switchboard throughput ÷ direct, concurrency 64 | ${fmt(f.switchboard_vs_direct_throughput_c64, 3)}× | |
| nginx throughput ÷ direct, concurrency 64 | ${fmt(f.nginx_vs_direct_throughput_c64, 3)}× | |
| Throughput, all calls on one account ÷ spread over accounts (c=64) | ${fmt(f.one_account_vs_spread_throughput_c64, 3)}× | |
| CPU per request, Switchboard ÷ nginx (c=64) | ${f.switchboard_cpu_us_per_request_c64 && f.nginx_cpu_us_per_request_c64 ? `${fmt(f.switchboard_cpu_us_per_request_c64 / f.nginx_cpu_us_per_request_c64, 1)}×` : '—'} | |
`;
}

function unifiedSection(r: UnifiedListResult): string {
  const labels = {
    direct: `direct: Advanced Search, page of ${r.page_size}, every column`,
    proxy: `Switchboard proxy: /proxy/user-search?limit=${r.page_size}`,
    unified: `Switchboard unified: /unified/user-directory/users?limit=${r.page_size}`,
  };
  const m = r.mapping;
  const f = r.figures;
  return `## 2. Unified list

\`GET /unified/user-directory/users?limit=${r.page_size}\` against the same vendor page fetched directly and
through the proxy API (the same upstream call, without the mapping).

Concurrency 1:

${table(LOAD_HEADER, loadRows(r.concurrency['c1']!, labels))}

Concurrency 32:

${table(LOAD_HEADER, loadRows(r.concurrency['c32']!, labels))}

| Figure | Value |
| --- | --- |
| Unified throughput ÷ direct (c=32) | ${fmt(f.unified_vs_direct_throughput_c32, 3)}× |
| Unified throughput ÷ proxy (c=32) | ${fmt(f.unified_vs_proxy_throughput_c32, 3)}× |
| Latency the unified API adds, p50, concurrency 1 | ${fmt(f.unified_added_p50_ms_c1, 3)} ms |
| Server CPU of mapping and shaping, per record (unified − proxy, ÷ ${r.page_size}) | ${fmt(f.server_mapping_us_per_record, 2)} µs |

**Mapping cost per record**, in one process, over the same ${m.records} vendor records (Advanced Search,
every column): Switchboard's typed mapping (\`toDirectoryUser\`, through the resource's own \`mapper\`, the
code the server runs) against an equivalent JSONata expression (\`bench/support/jsonata-users.ts\`, the
\`jsonata\` package, compiled once, evaluated per page of ${r.page_size}). The two give the same records
(compared as JSON): ${m.equivalent ? `yes, all ${m.records}` : `**no: ${m.mismatches} differ**`}.
Medians of ${m.runs} runs of ≥ 1 s each, after a warm-up.

| Mapping | ns per record | Goal |
| --- | --- | --- |
| Switchboard, typed TypeScript | ${fmt(m.typed_ns_per_record, 0)} | |
| JSONata | ${fmt(m.jsonata_ns_per_record, 0)} | |
| **Speed-up** | **${fmt(m.speedup, 1)}×** | ≥ 10× |
`;
}

function rateLimitSection(r: RateLimitResult): string {
  return `## 3. Rate-limit efficiency

${r.users.toLocaleString('en-US')} users in a sandbox account limited to ${r.sandbox_limit.calls} calls per
${r.sandbox_limit.window_seconds} s (a sliding window, like LeadSquared). Switchboard paces the linked account at
${r.account_pacing}. The client walks every user through \`/unified/user-directory/users?limit=${r.page_size}\`,
one page after another, with no pacing of its own. Calls are counted by the sandbox.

| Figure | Value | Goal |
| --- | --- | --- |
| Users received | ${r.records_received.toLocaleString('en-US')} in ${r.pages} pages | all |
| Upstream calls (pages + lookups) | ${r.upstream_calls} | |
| Wall time | ${fmt(r.wall_s, 2)} s | |
| Physical minimum: calls ÷ ${fmt(r.sandbox_limit.calls / r.sandbox_limit.window_seconds, 2)} per second | ${fmt(r.minimum_s, 2)} s | |
| **Wall time ÷ minimum** | **${fmt(r.wall_vs_minimum, 3)}×** | ≤ 1.1× |
| Sliding-window floor (a full budget at once, then one window per further budget) | ${fmt(r.sliding_window_floor_s, 2)} s | |
| 429s seen by the client | ${r.client_429s} | 0 |
| Most calls the sandbox saw in any ${r.sandbox_limit.window_seconds} s window | ${r.max_calls_in_any_window} | ≤ ${r.sandbox_limit.calls} |
| Calls the sandbox refused as over the limit | ${r.rate_limited_responses} | 0 |

A sliding window lets a fresh budget go out at once, so the walk can finish a little under "calls ÷
rate": the floor row shows the least any client could take.
`;
}

function refreshStormSection(r: RefreshStormResult): string {
  const rows: Array<Array<string | number>> = [
    ['Token endpoint latency (asked directly, median)', `${fmt(r.token_endpoint_ms, 1)} ms`, ''],
    ['Calls with a fresh token, p50 / p99', `${fmt(r.fresh_p50_ms, 1)} / ${fmt(r.fresh_p99_ms, 1)} ms`, ''],
    ['Storm calls, p50 / p99', `${fmt(r.storm_p50_ms, 1)} / ${fmt(r.storm_p99_ms, 1)} ms`, ''],
    [
      '**Added latency, p50 / p99**',
      `**+${fmt(r.added_p50_ms, 1)} / +${fmt(r.added_p99_ms, 1)} ms**`,
      '≤ token endpoint + 50 ms',
    ],
    ['Token calls per storm', r.token_calls_per_storm, '1'],
    ['invalid_grant answers', r.invalid_grants, '0'],
  ];
  return `## Refresh storm

An OAuth account (the HubSpot emulator, rotating refresh tokens, its token endpoint answering after a fixed
delay) whose access token the vendor has just expired; ${r.concurrency} unified calls arrive at once, ${r.storms} times.
Every call is refused, waits for the account's single refresh and is retried. Added latency is a storm
call's latency minus the median latency of the same calls with a fresh token, in the same run.

${table(['Figure', 'Value', 'Goal'], rows)}
`;
}

function memorySection(r: MemoryResult): string {
  const row = (run: MemoryResult['runs'][number]) => [
    run.users.toLocaleString('en-US'),
    run.node_options ? `\`${run.node_options}\`` : 'defaults',
    `${fmt(run.bytes_received / 1e6, 0)} MB`,
    fmt(run.duration_s, 1),
    fmt(run.records_per_sec, 0),
    fmt(run.idle_rss_mb, 1),
    fmt(run.peak_rss_mb, 1),
    `${fmt(run.kernel_peak_rss_mb, 1)}${run.kernel_peak_covers === 'process' ? ' (whole process life)' : ''}`,
  ];
  return `## 4. Memory

Every user streamed with \`truto_response_format=stream\` (NDJSON, every record with \`remote_data\`) to a
client that reads and counts them; ${r.pacing}. A fresh server and sandbox per walk. RSS is sampled every
50 ms from /proc/<pid>/status; "kernel peak" is VmHWM, reset just before the walk. MB = 10⁶ bytes. Goal:
peak ≤ 150 MB, flat as the count grows. The last row repeats the largest walk with V8's heap held small
(\`NODE_OPTIONS\`): it could not finish if the stream kept records across pages, and its peak shows how much
of the default peak is uncollected garbage.

${table(
  [
    'Users',
    'V8 heap',
    'Streamed',
    'Time (s)',
    'Records/s',
    'Idle RSS (MB)',
    'Peak RSS, sampled (MB)',
    'Peak RSS, kernel (MB)',
  ],
  [...r.runs.map(row), row(r.small_heap)],
)}
`;
}

function analysis(results: BenchResults): string {
  const p = results.proxy_overhead;
  const u = results.unified_list;
  const m = results.memory;
  const lines: string[] = [];
  if (p) {
    const sb = p.concurrency['c64']!['switchboard']!;
    lines.push(
      `- **Proxy CPU.** At concurrency 64 Switchboard's process uses ${fmt(sb.server_cpu_us_per_request, 0)} µs of CPU per proxied ` +
        `call${p.figures.nginx_cpu_us_per_request_c64 ? ` against nginx's ${fmt(p.figures.nginx_cpu_us_per_request_c64, 0)} µs` : ''}; ` +
        `its one core is saturated, so that cost sets its throughput. A CPU profile of the proxy under load ` +
        `(\`node --cpu-prof\`, taken while writing this benchmark) spreads it over: loading the account from the ` +
        `database and decrypting its credentials on every call (a prepared statement built per query; an AES key ` +
        `object built per decryption), the per-call resilience wrappers (cockatiel retry/timeout/breaker policies, ` +
        `an AbortController whose abort builds a DOMException per call), the pacing store, undici's client, ` +
        `Fastify's routing, \`qs\` and serialisation, Prometheus histograms, and garbage collection. No single ` +
        `item dominates: reaching nginx's cost per request would take a different design (relaying bytes ` +
        `without parsing them, and caching opened accounts), not a fix.`,
    );
    const one = p.concurrency['c64']!['switchboard_one_account']!;
    lines.push(
      `- **Pacing cost grows with one account's rate.** The in-memory pacing store scans every slot of an ` +
        `account's window on each call (and again on release), so its cost is proportional to that account's ` +
        `calls per window. At LeadSquared's real budget (25 per 5 s) that is nothing. With every call on one ` +
        `account lifted to thousands of calls per second, Switchboard managed ${fmt(one.requests_per_sec, 0)} req/s ` +
        `at ${fmt(one.server_cpu_us_per_request, 0)} µs of CPU per call, ${fmt(p.figures.one_account_vs_spread_throughput_c64, 2)}× ` +
        `its throughput with the same calls spread over ${p.call.match(/over (\d+)/)?.[1] ?? 'many'} accounts (the goal figures use the spread load, as a ` +
        `deployment's traffic would be).`,
    );
  }
  if (u) {
    const c32 = u.concurrency['c32']!;
    lines.push(
      `- **Mapping is cheap; moving the JSON is not.** The typed mapping costs ${fmt(u.mapping.typed_ns_per_record / 1000, 1)} µs ` +
        `per record in isolation (JSONata: ${fmt(u.mapping.jsonata_ns_per_record / 1000, 0)} µs). In the server, a unified page costs ` +
        `${fmt(u.figures.server_mapping_us_per_record, 1)} µs per record more than the same page proxied (mapping, shaping, and a larger ` +
        `response: each record carries the vendor's record in \`remote_data\`). The proxied page itself costs Switchboard ` +
        `${fmt(c32['proxy']!.server_cpu_us_per_request, 0)} µs of CPU, against the ${fmt(c32['direct']!.server_cpu_us_per_request, 0)} µs the sandbox ` +
        `spends producing it: in a CPU profile, about 40 % of it is \`JSON.parse\` of the vendor's body, Fastify's ` +
        `\`JSON.stringify\` of the answer and writing that string to the socket, and a further share is garbage collection.`,
    );
  }
  if (m) {
    const idle = Math.max(...m.runs.map((r) => r.idle_rss_mb));
    const peak = Math.max(...m.runs.map((r) => r.peak_rss_mb));
    lines.push(
      `- **Memory: flat, but high.** Before any request the server's RSS is already ${fmt(idle, 0)} MB. Measured ` +
        `while writing this benchmark: Node alone is ~45 MB; loading TypeScript sources (type stripping) adds ` +
        `~20 MB; importing the dependencies the server loads at start adds ~50 MB (Fastify and its swagger plugin, ` +
        `Kysely, pg and pg-boss, ioredis, prom-client, cockatiel, undici, pino), whether or not the configuration ` +
        `uses PostgreSQL or Redis; building the app and its routes adds the rest. While streaming, the peak ` +
        `(${fmt(peak, 0)} MB) is the same for ${m.runs.map((r) => r.users.toLocaleString('en-US')).join(' and ')} ` +
        `users, and with a small V8 heap the largest walk peaks at ${fmt(m.small_heap.peak_rss_mb, 0)} MB: the ` +
        `difference is garbage V8 collects lazily under a high allocation rate, not records kept.`,
    );
  }
  return lines.length ? `## What the figures say\n\n${lines.join('\n')}\n` : '';
}

export function renderReport(results: BenchResults): string {
  const m = results.machine;
  const unmet = results.goals.filter((g) => g.met !== true);
  return `# Benchmarks

Switchboard publishes its overhead, throughput, rate-limit efficiency and memory, measured on loopback
against the LeadSquared sandbox. Every figure below comes from one run of

\`\`\`sh
npm run bench
\`\`\`

which prints the same figures as JSON and rewrites this file (do not edit it by hand). Figures are ratios
against baselines measured in the same run wherever possible, so that they hold on a noisy machine; the
absolute numbers are this machine's. The run took ${Math.round(results.duration_s / 60)} minutes.
\`npm run bench -- --smoke\` runs everything at a tiny size (CI runs it; it checks that every benchmark
still produces its figures and asserts no timings).

## Machine

| | |
| --- | --- |
| CPU | ${m.cpu_model} |
| Cores | ${m.cores} |
| Memory | ${m.memory_gib} GiB |
| OS | ${m.os} |
| Node.js | ${m.node} |
| Date | ${m.date} |
| CPU pinning | ${m.cpu_pinning} |

## Goals

${table(
  ['Benchmark', 'Goal', 'Measured', 'Result'],
  results.goals.map((g) => [g.benchmark, g.goal, g.measured, metCell(g)]),
)}
${
  unmet.length
    ? `\n### Goals not met, and why\n\n${unmet.map((g) => `- **${g.benchmark}: ${g.goal}** — ${g.measured}. ${g.note ?? ''}`).join('\n')}\n`
    : ''
}
${results.proxy_overhead ? proxySection(results.proxy_overhead) : ''}
${results.unified_list ? unifiedSection(results.unified_list) : ''}
${results.rate_limit ? rateLimitSection(results.rate_limit) : ''}
${results.refresh_storm ? refreshStormSection(results.refresh_storm) : ''}
${results.memory ? memorySection(results.memory) : ''}
${analysis(results)}
## Method

- **Processes.** The servers under test run in processes of their own: Switchboard as an operator starts
  it (\`switchboard serve\`: embedded SQLite in a temporary directory, pacing budgets in process memory,
  \`LOG_LEVEL=warn\` so that no request is logged), the sandbox with \`switchboard sandbox leadsquared\`, and
  nginx with a generated configuration. The load generator, autocannon, runs in the benchmark's own process.
- **Two cores.** The load generator competes for CPU with what it measures. ${m.cpu_pinning.startsWith('none') ? 'Pinning was not available on this machine, so all processes shared the CPUs.' : `With \`taskset\`, the process in the middle (Switchboard or nginx) gets CPU 1 to itself; the load generator and the sandbox share CPU 0. Both proxies therefore get the same single core (nginx runs one worker process, as Node runs one JavaScript thread), and the direct baseline shares its core with the load generator.`}
  "Server CPU per request" (from /proc) is reported beside every throughput figure because it depends far
  less on that contention than requests per second do.
- **Runs.** Each target gets a ${LOAD.warmupS} s warm-up, then ${LOAD.runs} runs of ${LOAD.durationS} s, measured
  round-robin (direct, nginx, Switchboard, direct, …) so that drift spreads over all of them; the tables show
  medians over the runs. Latency percentiles come from every response's own timing (autocannon's histogram
  rounds to whole milliseconds, too coarse for loopback).
- **Noise.** On a shared virtual machine, repeated full runs differ by up to ~30 % in absolute requests per
  second; the ratios and the CPU per request, which the goals rest on, move much less.
- **Budgets.** LeadSquared allows 25 calls per 5 s per account, so the throughput benchmarks lift each
  account's budget to ${UNPACED.calls.toLocaleString('en-US')} calls per ${UNPACED.window_seconds} s (\`PATCH /integrated-account/:id\` with \`rate_limit\`) and spread the load over
  many linked accounts; every call still takes and releases a pacing slot. The rate-limit benchmark uses the
  real budget.
- **nginx.** Debian's package, one process doing the work (\`worker_processes 1\`, \`master_process off\`), an upstream block with \`keepalive 128\`, HTTP/1.1 to the
  upstream, access log off. The client sends the LeadSquared keys itself through nginx; through Switchboard it
  sends its API token and Switchboard adds the keys.
- **Bounded.** Every load run is bounded in time, every walk in time and size; only loopback addresses are used.
`;
}
