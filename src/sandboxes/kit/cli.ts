/**
 * The command line of every vendor emulator (`switchboard sandbox <slug>`): common flags, fault flags, a
 * banner with the base URL, credentials and a curl example, and a clean stop on SIGINT/SIGTERM. A vendor's
 * `cli.ts` names its defaults and extra flags, starts the emulator from the parsed flags and describes it.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import type { FaultRule } from './faults.ts';

export interface CommonFlags {
  port: number;
  host: string;
  seed: number;
  users: number;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  /** Fault rules from `--latency`, `--error-rate`, … */
  faults: FaultRule[];
  log: boolean;
  /** The vendor's own flags, as parsed. */
  extra: Record<string, string | boolean | undefined>;
}

export interface Banner {
  /** e.g. `[['token', 'pat-na1-…'], ['client id', '…']]`, printed aligned. */
  credentials: [string, string][];
  /** A ready-to-run command against the emulator. */
  curl: string;
  /** Extra lines (limits, data). */
  notes?: string[];
}

export interface EmulatorCliSpec<H extends { url: string; close(): Promise<void> }> {
  /** `HubSpot`. */
  name: string;
  /** `hubspot`, as in `switchboard sandbox hubspot`. */
  slug: string;
  defaults: { port: number; users: number; seed?: number };
  /** What `--users` is called in the vendor's words (e.g. `owners`), accepted as an alias. */
  usersAlias?: string;
  /** The vendor's own flags and their help lines. */
  options?: ParseArgsOptionsConfig;
  help?: string[];
  start(flags: CommonFlags): Promise<H>;
  banner(handle: H, flags: CommonFlags): Banner;
}

const COMMON_HELP = [
  '--port N                listen port (0 = any free port)',
  '--host HOST             listen address (default 127.0.0.1)',
  '--seed N                data seed',
  '--users N               people to generate',
  '--token T               the static API token',
  '--client-id ID          the OAuth client id',
  '--client-secret S       the OAuth client secret',
  '--latency MS            add MS of latency to every call',
  '--jitter MS             add up to MS of random latency',
  '--error-rate P          answer a fraction P (0..1) of calls with --error-status',
  '--error-status CODE     status for --error-rate (default 500)',
  '--reset-rate P          reset the connection on a fraction P of calls',
  '--truncate-rate P       cut the body short on a fraction P of calls',
  '--stall-rate P          never answer a fraction P of calls',
  '--fault-path PREFIX     limit the fault flags above to paths starting with PREFIX',
  '--log                   log requests',
  '-h, --help              show this help',
];

/** The fault flags, for CLIs that parse their own arguments (LeadSquared's). */
export const FAULT_FLAG_OPTIONS = {
  latency: { type: 'string' },
  jitter: { type: 'string' },
  'error-rate': { type: 'string' },
  'error-status': { type: 'string' },
  'reset-rate': { type: 'string' },
  'truncate-rate': { type: 'string' },
  'stall-rate': { type: 'string' },
  'fault-path': { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

export function numberFlag(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n))
    throw new Error(`--${name} must be a number`);
  return n;
}

/** A count flag (a rate limit, a burst): a non-negative integer, 0 usually meaning "off". */
export function countFlag(value: unknown, name: string, fallback: number): number {
  const n = numberFlag(value, name, fallback);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
}

/** Fault rules from the fault flags (empty when none is given). */
export function faultsFromFlags(values: Record<string, unknown>): FaultRule[] {
  const pathPrefix = values['fault-path'] as string | undefined;
  const base = pathPrefix ? { pathPrefix } : {};
  const rules: FaultRule[] = [];
  const latency = numberFlag(values.latency, 'latency', 0);
  const jitter = numberFlag(values.jitter, 'jitter', 0);
  if (latency > 0 || jitter > 0) rules.push({ kind: 'latency', ms: latency, jitterMs: jitter, ...base });
  const rate = (flag: string) => numberFlag(values[flag], flag, 0);
  if (rate('error-rate') > 0) {
    rules.push({
      kind: 'error',
      probability: rate('error-rate'),
      status: numberFlag(values['error-status'], 'error-status', 500),
      ...base,
    });
  }
  if (rate('reset-rate') > 0) rules.push({ kind: 'reset', probability: rate('reset-rate'), ...base });
  if (rate('truncate-rate') > 0)
    rules.push({ kind: 'truncate', probability: rate('truncate-rate'), ...base });
  if (rate('stall-rate') > 0) rules.push({ kind: 'stall', probability: rate('stall-rate'), ...base });
  return rules;
}

export function formatBanner(name: string, url: string, banner: Banner): string {
  const rows: [string, string][] = [['base URL', url], ...banner.credentials];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const line = ([label, value]: [string, string]) => `  ${`${label}:`.padEnd(width)}${value}`;
  return [
    `${name} emulator listening on ${url}`,
    ...rows.map(line),
    ...(banner.notes ?? []).map((note) => `  ${note}`),
    line(['try', banner.curl]),
    line(['control', `${url}/__sandbox/stats (see docs/emulators.md)`]),
    '',
  ].join('\n');
}

/** Waits for SIGINT or SIGTERM. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** A vendor emulator's command line (`run`), and the same emulator started from flags by other commands (the demo). */
export interface EmulatorCli<H extends { url: string; close(): Promise<void> }> {
  spec: EmulatorCliSpec<H>;
  run(argv: string[]): Promise<void>;
  /** Starts the emulator from `argv` (defaults for the rest) and describes it, without waiting for a signal. */
  start(argv?: string[]): Promise<{ handle: H; banner: Banner }>;
}

export function emulatorCli<H extends { url: string; close(): Promise<void> }>(
  spec: EmulatorCliSpec<H>,
): EmulatorCli<H> {
  return {
    spec,
    run: (argv) => runEmulatorCli(argv, spec),
    async start(argv = []) {
      const flags = parseEmulatorFlags(argv, spec);
      if (!flags) throw new Error('--help is for the command line');
      const handle = await spec.start(flags);
      return { handle, banner: spec.banner(handle, flags) };
    },
  };
}

async function runEmulatorCli<H extends { url: string; close(): Promise<void> }>(
  argv: string[],
  spec: EmulatorCliSpec<H>,
): Promise<void> {
  const flags = parseEmulatorFlags(argv, spec);
  if (!flags) {
    const help = [...COMMON_HELP, ...(spec.help ?? [])].map((l) => `  ${l}`).join('\n');
    process.stdout.write(`usage: switchboard sandbox ${spec.slug} [options]\n\n${help}\n`);
    return;
  }
  const handle = await spec.start(flags);
  process.stdout.write(formatBanner(spec.name, handle.url, spec.banner(handle, flags)));
  await untilSignal();
  await handle.close();
}

/** The common, fault and vendor flags, checked; undefined for `--help`. */
function parseEmulatorFlags<H extends { url: string; close(): Promise<void> }>(
  argv: string[],
  spec: EmulatorCliSpec<H>,
): CommonFlags | undefined {
  const alias = spec.usersAlias ? { [spec.usersAlias]: { type: 'string' } as const } : {};
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      users: { type: 'string' },
      token: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...FAULT_FLAG_OPTIONS,
      ...alias,
      ...spec.options,
    },
  });
  if (values.help) return undefined;
  const all = values as Record<string, string | boolean | undefined>;
  const usersValue = values.users ?? (spec.usersAlias ? all[spec.usersAlias] : undefined);
  const flags: CommonFlags = {
    port: numberFlag(values.port, 'port', spec.defaults.port),
    host: (values.host as string | undefined) ?? '127.0.0.1',
    seed: numberFlag(values.seed, 'seed', spec.defaults.seed ?? 42),
    users: numberFlag(usersValue, 'users', spec.defaults.users),
    token: values.token as string | undefined,
    clientId: values['client-id'] as string | undefined,
    clientSecret: values['client-secret'] as string | undefined,
    faults: faultsFromFlags(values),
    log: Boolean(values.log),
    extra: all,
  };
  for (const [name, n] of [
    ['port', flags.port],
    ['users', flags.users],
    ['seed', flags.seed],
  ] as const) {
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  }
  return flags;
}
