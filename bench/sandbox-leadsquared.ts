/**
 * Benchmark: the LeadSquared sandbox's User Advanced Search, a page of 100 users with every
 * column, at concurrency 1 and 32. The sandbox runs in this process (rate limit off, 100,000
 * users); autocannon runs in a worker thread so it does not share the sandbox's event loop.
 * Pages are spread over the whole user list, so the result cache is hit the way paging hits it.
 *
 *   npx node bench/sandbox-leadsquared.ts [--users N] [--duration S] [--page-size N]
 *
 * Prints one JSON object.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '10' },
    'page-size': { type: 'string', default: '100' },
  },
});
const users = Number(values.users);
const duration = Number(values.duration);
const pageSize = Number(values['page-size']);

const generateStarted = performance.now();
const sandbox = await startLeadSquaredSandbox({ users, rateLimit: false });
const generateMs = performance.now() - generateStarted;

const path = '/v2/UserManagement.svc/User/AdvancedSearch';
const headers = {
  'content-type': 'application/json',
  'x-LSQ-AccessKey': sandbox.accessKey,
  'x-LSQ-SecretKey': sandbox.secretKey,
};
const pages = Math.max(1, Math.floor(users / pageSize));
const requests = Array.from({ length: 64 }, (_, k) => ({
  method: 'POST' as const,
  path,
  headers,
  body: JSON.stringify({
    Columns: { Include_CSV: '*' },
    GroupConditions: [],
    Sorting: [{ ColumnName: 'UserId', Direction: 0 }],
    Paging: { PageIndex: 1 + Math.floor((k * pages) / 64), PageSize: pageSize },
  }),
}));

async function run(connections: number, seconds: number) {
  const result = await autocannon({ url: sandbox.url, connections, duration: seconds, requests, workers: 1 });
  return {
    connections,
    requests_per_sec: Math.round(result.requests.average),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    throughput_mb_per_sec: Number((result.throughput.average / 1e6).toFixed(1)),
    requests: result.requests.total,
    errors: result.errors,
    non_2xx: result.non2xx,
  };
}

await run(8, 2); // warm-up: JIT, caches
const scenarios = [];
for (const connections of [1, 32]) scenarios.push(await run(connections, duration));
await sandbox.close();

process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'sandbox-leadsquared-advanced-search',
      node: process.version,
      users,
      generate_ms: Math.round(generateMs),
      page_size: pageSize,
      columns: '*',
      duration_s: duration,
      scenarios,
    },
    null,
    2,
  )}\n`,
);
