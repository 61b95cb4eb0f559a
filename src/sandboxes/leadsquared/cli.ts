/**
 * `switchboard sandbox leadsquared [options]`: runs the sandbox until SIGINT/SIGTERM and prints
 * its base URL and keys.
 */
import { parseArgs } from 'node:util';
import { FAULT_FLAG_OPTIONS, faultsFromFlags, numberFlag } from '../kit/cli.ts';
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
      ...FAULT_FLAG_OPTIONS,
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const users = numberFlag(values.users, 'users', 5000);
  const started = performance.now();
  const sandbox = await startLeadSquaredSandbox({
    port: numberFlag(values.port, 'port', 8181),
    host: values.host ?? '127.0.0.1',
    users,
    seed: numberFlag(values.seed, 'seed', DEFAULT_SEED),
    customFields:
      values['custom-fields'] === undefined
        ? undefined
        : numberFlag(values['custom-fields'], 'custom-fields', 15),
    accessKey: values['access-key'],
    secretKey: values['secret-key'],
    rateLimit: {
      calls: numberFlag(values['rate-limit'], 'rate-limit', 25),
      windowSeconds: numberFlag(values['rate-limit-window'], 'rate-limit-window', 5),
      http200: values['rate-limit-http200'] ?? false,
    },
    wrongRegion: values['wrong-region'] ?? false,
    apiHost: values['api-host'],
    softErrors: values['soft-errors'] ?? false,
    emptyUnauthorizedBody: values['empty-401'] ?? false,
    asyncDelayMs: numberFlag(values['async-delay'], 'async-delay', 50),
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
