/**
 * `switchboard sandbox leadsquared [options]`: runs the sandbox until SIGINT/SIGTERM and prints
 * its base URL and keys.
 */
import { parseArgs } from 'node:util';
import type { FaultRule } from './http/faults.ts';
import { DEFAULT_SEED, startLeadSquaredSandbox } from './start.ts';

const USAGE = `usage: switchboard sandbox leadsquared [options]

  --port N                 listen port (default 8181; 0 = any free port)
  --host HOST              listen address (default 127.0.0.1)
  --users N                users to generate (default 5000)
  --seed N                 data seed (default ${DEFAULT_SEED})
  --custom-fields N        mx_Custom_N fields per user (default 15)
  --access-key KEY         access key (default: derived from the seed)
  --secret-key KEY         secret key (default: derived from the seed)
  --rate-limit N           calls per window per access key (default 25; 0 = off)
  --rate-limit-window S    window length in seconds (default 5)
  --rate-limit-http200     answer rate-limited calls with HTTP 200 instead of 429
  --wrong-region           401 on every call but Authenticate unless sent to --api-host
  --api-host HOST          host Authenticate reports (default: the listen address; localhost:PORT with --wrong-region)
  --soft-errors            send validation errors with HTTP 200 and "Status":"Error"
  --empty-401              answer bad keys with an empty text/plain 401
  --async-delay MS         delay before async requests apply (default 50)
  --latency MS             add MS of latency to every call
  --jitter MS              add up to MS of random latency
  --error-rate P           answer a fraction P (0..1) of calls with --error-status
  --error-status CODE      status for --error-rate (default 500)
  --reset-rate P           reset the connection on a fraction P of calls
  --truncate-rate P        cut the body short on a fraction P of calls
  --stall-rate P           never answer a fraction P of calls
  --fault-path PREFIX      limit the fault flags above to paths starting with PREFIX
  --log                    log requests
  -h, --help               show this help
`;

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
  return n;
}

function faultsFromFlags(values: Record<string, string | boolean | undefined>): FaultRule[] {
  const pathPrefix = values['fault-path'] as string | undefined;
  const base = pathPrefix ? { pathPrefix } : {};
  const rules: FaultRule[] = [];
  const latency = number(values.latency as string | undefined, 'latency', 0);
  const jitter = number(values.jitter as string | undefined, 'jitter', 0);
  if (latency > 0 || jitter > 0) rules.push({ kind: 'latency', ms: latency, jitterMs: jitter, ...base });
  const rate = (flag: string) => number(values[flag] as string | undefined, flag, 0);
  if (rate('error-rate') > 0) {
    rules.push({
      kind: 'error',
      probability: rate('error-rate'),
      status: number(values['error-status'] as string | undefined, 'error-status', 500),
      ...base,
    });
  }
  if (rate('reset-rate') > 0) rules.push({ kind: 'reset', probability: rate('reset-rate'), ...base });
  if (rate('truncate-rate') > 0)
    rules.push({ kind: 'truncate', probability: rate('truncate-rate'), ...base });
  if (rate('stall-rate') > 0) rules.push({ kind: 'stall', probability: rate('stall-rate'), ...base });
  return rules;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      users: { type: 'string' },
      seed: { type: 'string' },
      'custom-fields': { type: 'string' },
      'access-key': { type: 'string' },
      'secret-key': { type: 'string' },
      'rate-limit': { type: 'string' },
      'rate-limit-window': { type: 'string' },
      'rate-limit-http200': { type: 'boolean' },
      'wrong-region': { type: 'boolean' },
      'api-host': { type: 'string' },
      'soft-errors': { type: 'boolean' },
      'empty-401': { type: 'boolean' },
      'async-delay': { type: 'string' },
      latency: { type: 'string' },
      jitter: { type: 'string' },
      'error-rate': { type: 'string' },
      'error-status': { type: 'string' },
      'reset-rate': { type: 'string' },
      'truncate-rate': { type: 'string' },
      'stall-rate': { type: 'string' },
      'fault-path': { type: 'string' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const users = number(values.users, 'users', 5000);
  const started = performance.now();
  const sandbox = await startLeadSquaredSandbox({
    port: number(values.port, 'port', 8181),
    host: values.host ?? '127.0.0.1',
    users,
    seed: number(values.seed, 'seed', DEFAULT_SEED),
    customFields:
      values['custom-fields'] === undefined
        ? undefined
        : number(values['custom-fields'], 'custom-fields', 15),
    accessKey: values['access-key'],
    secretKey: values['secret-key'],
    rateLimit: {
      calls: number(values['rate-limit'], 'rate-limit', 25),
      windowSeconds: number(values['rate-limit-window'], 'rate-limit-window', 5),
      http200: values['rate-limit-http200'] ?? false,
    },
    wrongRegion: values['wrong-region'] ?? false,
    apiHost: values['api-host'],
    softErrors: values['soft-errors'] ?? false,
    emptyUnauthorizedBody: values['empty-401'] ?? false,
    asyncDelayMs: number(values['async-delay'], 'async-delay', 50),
    faults: faultsFromFlags(values),
    logger: values.log ?? false,
  });
  const limit = sandbox.control.getRateLimit();
  const settings = sandbox.control.getSettings();
  process.stdout.write(
    [
      `LeadSquared sandbox listening on ${sandbox.url}  (${users} users, seed ${sandbox.control.data.seed}, generated in ${Math.round(performance.now() - started)} ms)`,
      `  base URL:    ${sandbox.url}/v2/`,
      `  access key:  ${sandbox.accessKey}`,
      `  secret key:  ${sandbox.secretKey}`,
      `  rate limit:  ${limit.calls === 0 ? 'off' : `${limit.calls} calls per ${limit.windowSeconds} s per access key, answered with HTTP ${limit.http200 ? 200 : 429}`}`,
      settings.wrongRegion
        ? `  wrong-region mode: only requests to ${settings.effectiveApiHost} are accepted`
        : '',
      sandbox.control.getFaults().length
        ? `  faults:      ${JSON.stringify(sandbox.control.getFaults())}`
        : '',
      `  control:     ${sandbox.url}/__sandbox/stats (see docs/sandbox.md)`,
      '',
    ]
      .filter((line, k, all) => line !== '' || k === all.length - 1)
      .join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sandbox.close();
}
