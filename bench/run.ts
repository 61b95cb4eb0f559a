/**
 * `npm run bench`: every benchmark, one after the other, on loopback against the LeadSquared sandbox.
 * Prints one JSON result on stdout (progress goes to stderr) and rewrites docs/benchmarks.md.
 *
 *   npm run bench                 the full run (~8 minutes on 2 cores), publishes docs/benchmarks.md
 *   npm run bench -- --smoke      every benchmark at a tiny size (well under a minute); publishes nothing
 *                                 and asserts no timings, only that each benchmark produced its figures
 *                                 (BENCH_SMOKE=1 does the same)
 *   npx node bench/run.ts --render FILE   rewrites docs/benchmarks.md from a saved full-run JSON result
 */
import fs from 'node:fs';
import path from 'node:path';
import { runMemory } from './memory.ts';
import { runProxyOverhead } from './proxy-overhead.ts';
import { runRateLimit } from './rate-limit.ts';
import { runRefreshStorm } from './refresh-storm.ts';
import { pinSelf } from './support/children.ts';
import { type Goal, stderrLog } from './support/goals.ts';
import { machineInfo } from './support/machine.ts';
import { SMOKE } from './support/options.ts';
import { ROOT } from './support/paths.ts';
import { type BenchResults, renderReport } from './support/report.ts';
import { runUnifiedList } from './unified-list.ts';

const log = stderrLog;
const renderFrom = process.argv.indexOf('--render');
if (renderFrom !== -1) {
  // The file may start with npm's own banner lines (`npm run bench > file`): the JSON starts at the first "{".
  const text = fs.readFileSync(process.argv[renderFrom + 1]!, 'utf8');
  const saved = JSON.parse(text.slice(text.indexOf('{'))) as BenchResults;
  if (saved.smoke || Object.keys(saved.failures).length)
    throw new Error('only a complete full run is published');
  fs.writeFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), renderReport(saved));
  log('wrote docs/benchmarks.md');
  process.exit(0);
}
const started = performance.now();
pinSelf();
const machine = machineInfo();
log(`Switchboard benchmarks${SMOKE ? ' (smoke: tiny sizes, figures not published)' : ''}`);
log(`machine: ${machine.cpu_model}, ${machine.cores} cores, ${machine.memory_gib} GiB, Node ${machine.node}`);

const benchmarks = {
  proxy_overhead: runProxyOverhead,
  unified_list: runUnifiedList,
  rate_limit: runRateLimit,
  refresh_storm: runRefreshStorm,
  memory: runMemory,
} as const;

const results: Record<string, unknown> = {};
const failures: Record<string, string> = {};
for (const [name, run] of Object.entries(benchmarks)) {
  const t = performance.now();
  log(`\n== ${name.replace('_', ' ')}`);
  try {
    results[name] = await run(log);
    log(`== ${name.replace('_', ' ')}: done in ${Math.round((performance.now() - t) / 1000)} s`);
  } catch (error) {
    failures[name] = error instanceof Error ? error.message : String(error);
    log(`== ${name.replace('_', ' ')} FAILED: ${failures[name]}`);
  }
}

/** Every figure a benchmark reports is a finite number (NaN and Infinity print as null in JSON). */
function missingFigures(value: unknown, at: string, out: string[]): string[] {
  if (typeof value === 'number' && !Number.isFinite(value)) out.push(at);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) missingFigures(v, `${at}.${k}`, out);
  }
  return out;
}
for (const [name, result] of Object.entries(results)) {
  const missing = missingFigures(result, name, []);
  if (missing.length) failures[name] = `figures missing: ${missing.join(', ')}`;
}

const goals = Object.values(results).flatMap((r) => (r as { goals: Goal[] }).goals);
const output: BenchResults = {
  smoke: SMOKE,
  machine,
  duration_s: Math.round((performance.now() - started) / 1000),
  goals,
  failures,
  ...(results as Omit<BenchResults, 'smoke' | 'machine' | 'duration_s' | 'goals' | 'failures'>),
};
process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);

log('');
for (const g of goals) {
  log(`${g.met === null ? '  -' : g.met ? ' ok' : 'NOT'}  ${g.benchmark}: ${g.goal} — ${g.measured}`);
}
if (!SMOKE && Object.keys(failures).length === 0) {
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  fs.writeFileSync(file, renderReport(output));
  log(`\nwrote ${path.relative(ROOT, file)}`);
} else if (!SMOKE) {
  log('\ndocs/benchmarks.md not rewritten: a benchmark failed');
}
log(`benchmarks finished in ${output.duration_s} s`);
if (Object.keys(failures).length) {
  for (const [name, why] of Object.entries(failures)) log(`FAILED ${name}: ${why}`);
  process.exit(1);
}
process.exit(0);
