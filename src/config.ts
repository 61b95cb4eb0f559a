/**
 * Configuration comes only from environment variables, parsed once at start.
 * A bad value stops the server with a message that names the variable; nothing falls back silently.
 */
import net from 'node:net';
import path from 'node:path';
import ipaddr from 'ipaddr.js';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Unset: embedded SQLite file in `dataDir`. */
  databaseUrl: string | undefined;
  /** PostgreSQL schema to use (lets several deployments or test runs share one database). */
  databaseSchema: string;
  /** Unset: rate-limit budgets are kept in process memory (single instance only). */
  redisUrl: string | undefined;
  /** `kid:base64key` pairs; the first encrypts, all decrypt. Unset in embedded mode: generated into `dataDir`. */
  encryptionKeys: string | undefined;
  /** A known API token for the default environment (automation); stored hashed like any other. */
  apiToken: string | undefined;
  /** Extra upstream origins an operator allows (e.g. a local sandbox `http://127.0.0.1:8181`). */
  allowedUpstreamOrigins: string[];
  /** Offer the allowed upstream origins on the connect page ("Sandbox N") and probe them in Auto-detect. */
  connectSandboxes: boolean;
  /** Requests per minute one client IP may make to the public connect endpoints (per instance). */
  connectRateLimit: number;
  /**
   * The URL clients reach the server at (link URLs, vendor callback URLs). Required unless `host` is a loopback
   * address; then unset means the listen address (`services.publicUrl()`), never a request's Host header.
   */
  publicUrl: string | undefined;
  /** Believe X-Forwarded-* headers (only behind a load balancer that sets them). */
  trustProxy: boolean;
  logLevel: string;
  bodyLimitBytes: number;
  /** Webhook target origins allowed despite the guard (http, loopback, private addresses), e.g. a local receiver. */
  allowedWebhookTargets: string[];
  /** Delays between webhook delivery attempts (ms); one more attempt than entries, then the delivery fails. */
  webhookRetryScheduleMs: number[];
  /** Time allowed for one webhook delivery attempt (connect, headers and body). */
  webhookTimeoutMs: number;
  /** How often idle job workers look for due jobs (and due schedules). */
  jobsPollMs: number;
  /** PostgreSQL (pg-boss) only: how often expired job leases are detected and old jobs archived. */
  jobsMaintenanceSeconds: number;
  /** Outbound calls to vendors: pacing, retries, timeouts, circuit breaking (see docs/scaling.md). */
  upstream: UpstreamSettings;
  /** Directory sync (see docs/sync.md). */
  sync: SyncSettings;
}

export interface SyncSettings {
  /** Seconds between scheduled syncs of accounts without their own setting; 0 = no scheduled syncs. */
  defaultIntervalSeconds: number;
  /** Sync runs at the same time per instance. */
  concurrency: number;
  /** How long a run stays claimed without a heartbeat before another worker resumes it. */
  leaseSeconds: number;
  /** How often due schedules and interrupted runs are looked for. */
  sweepSeconds: number;
  /** How long one job works on a run before handing it, checkpointed, to a fresh job. */
  sliceSeconds: number;
}

export interface UpstreamSettings {
  /** Per attempt. */
  timeoutMs: number;
  /** Longest a call waits for a slot in the account's budget before the client gets a 429. */
  maxWaitMs: number;
  /** Calls that may wait per account and instance. */
  maxQueue: number;
  /** Attempts of a safe call in all (1 = no retries). */
  maxAttempts: number;
  /** No retry starts after this much time since the call began. */
  deadlineMs: number;
  /** Consecutive failed attempts that open an origin's circuit. */
  breakerThreshold: number;
  /** How long an open circuit fails fast before a trial call. */
  breakerCooldownMs: number;
}

export class ConfigError extends Error {
  readonly setting: string;
  constructor(setting: string, problem: string) {
    super(`invalid setting ${setting}: ${problem}`);
    this.setting = setting;
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `"${raw}" is not a whole number`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `${value} is outside ${min}..${max}`);
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got ${parsed.protocol}`);
  }
  return raw;
}

function origins(env: Env, name: string): string[] {
  const raw = env[name];
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      let parsed: URL;
      try {
        parsed = new URL(entry);
      } catch {
        throw new ConfigError(name, `"${entry}" is not an origin such as http://127.0.0.1:8181`);
      }
      if (parsed.origin === 'null' || (parsed.pathname !== '/' && parsed.pathname !== '')) {
        throw new ConfigError(name, `"${entry}" must be an origin (scheme://host[:port]) without a path`);
      }
      return parsed.origin;
    });
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A comma-separated list of durations such as `10s,1m,5m,30m,2h`. */
function durations(env: Env, name: string, fallback: string): number[] {
  const raw = env[name] || fallback;
  const values = raw.split(',').map((entry) => {
    const match = /^\s*(\d+)\s*(ms|s|m|h)\s*$/.exec(entry);
    if (!match)
      throw new ConfigError(name, `"${entry.trim()}" is not a duration such as 500ms, 10s, 5m or 2h`);
    return Number(match[1]) * DURATION_UNITS_MS[match[2]!]!;
  });
  if (values.length > 30) throw new ConfigError(name, 'use at most 30 retry delays');
  if (values.some((v) => v > 48 * 3_600_000)) throw new ConfigError(name, 'a delay may be at most 48h');
  return values;
}

/** One duration such as `6h` or `90m` (a bare number is seconds); `off` or `0` = 0. Returns seconds. */
function durationSeconds(env: Env, name: string, fallback: number, minSeconds: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'off' || raw === '0') return 0;
  const match = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(raw);
  if (!match) throw new ConfigError(name, `"${raw}" is not a duration such as 30m, 6h or 1d (or "off")`);
  const unitMs = match[2] === 'd' ? 86_400_000 : DURATION_UNITS_MS[match[2] ?? 's']!;
  const seconds = Math.round((Number(match[1]) * unitMs) / 1000);
  if (seconds < minSeconds) throw new ConfigError(name, `use at least ${minSeconds} seconds (or "off")`);
  if (seconds > 30 * 86_400) throw new ConfigError(name, 'use at most 30 days');
  return seconds;
}

function flag(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(name, 'use true or false');
}

/** `localhost` or a literal loopback address (127.0.0.0/8, ::1, ::ffff:127.x.x.x). */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  return net.isIP(host) !== 0 && ipaddr.process(host).range() === 'loopback';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): Config {
  const logLevel = env['LOG_LEVEL'] || 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError('LOG_LEVEL', `use one of ${LOG_LEVELS.join(', ')}`);
  const databaseSchema = env['DATABASE_SCHEMA'] || 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    throw new ConfigError('DATABASE_SCHEMA', 'use lower-case letters, digits and underscores');
  }
  const apiToken = env['SWITCHBOARD_API_TOKEN'] || undefined;
  if (apiToken !== undefined && apiToken.length < 24) {
    throw new ConfigError('SWITCHBOARD_API_TOKEN', 'must be at least 24 characters (use a random value)');
  }
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const encryptionKeys = env['SWITCHBOARD_ENCRYPTION_KEYS'] || undefined;
  if (databaseUrl && !encryptionKeys) {
    throw new ConfigError(
      'SWITCHBOARD_ENCRYPTION_KEYS',
      'required when DATABASE_URL is set, so that every instance shares the same keys',
    );
  }
  const host = env['HOST'] || '127.0.0.1';
  const publicUrl = url(env, 'SWITCHBOARD_PUBLIC_URL', ['http:', 'https:']);
  // Without it, the URLs handed out would have to come from the request's Host header, which clients choose.
  if (!publicUrl && !isLoopbackHost(host)) {
    throw new ConfigError(
      'SWITCHBOARD_PUBLIC_URL',
      `required when HOST is ${host} (not a loopback address): set the URL clients reach the server at, ` +
        'e.g. https://switchboard.example.com',
    );
  }
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host,
    dataDir: path.resolve(env['DATA_DIR'] || './data'),
    databaseUrl,
    databaseSchema,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    encryptionKeys,
    apiToken,
    allowedUpstreamOrigins: origins(env, 'SWITCHBOARD_ALLOW_UPSTREAM'),
    connectSandboxes: flag(env, 'SWITCHBOARD_CONNECT_SANDBOXES'),
    connectRateLimit: integer(env, 'SWITCHBOARD_CONNECT_RATE_LIMIT', 60, 1, 1_000_000),
    publicUrl,
    trustProxy: flag(env, 'TRUST_PROXY'),
    logLevel,
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    allowedWebhookTargets: origins(env, 'SWITCHBOARD_ALLOW_WEBHOOK_TARGETS'),
    webhookRetryScheduleMs: durations(env, 'SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE', '10s,1m,5m,30m,2h,6h,8h,8h'),
    webhookTimeoutMs: integer(env, 'SWITCHBOARD_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    jobsPollMs: integer(env, 'SWITCHBOARD_JOBS_POLL_MS', 1000, 50, 60_000),
    jobsMaintenanceSeconds: integer(env, 'SWITCHBOARD_JOBS_MAINTENANCE_SECONDS', 30, 1, 3600),
    upstream: {
      timeoutMs: integer(env, 'UPSTREAM_TIMEOUT_MS', 30_000, 100, 600_000),
      maxWaitMs: integer(env, 'UPSTREAM_MAX_WAIT_MS', 30_000, 100, 600_000),
      maxQueue: integer(env, 'UPSTREAM_MAX_QUEUE', 1_000, 1, 100_000),
      maxAttempts: integer(env, 'UPSTREAM_MAX_ATTEMPTS', 4, 1, 10),
      deadlineMs: integer(env, 'UPSTREAM_DEADLINE_MS', 60_000, 100, 3_600_000),
      breakerThreshold: integer(env, 'UPSTREAM_BREAKER_THRESHOLD', 10, 1, 10_000),
      breakerCooldownMs: integer(env, 'UPSTREAM_BREAKER_COOLDOWN_MS', 30_000, 100, 3_600_000),
    },
    sync: {
      defaultIntervalSeconds: durationSeconds(env, 'SWITCHBOARD_SYNC_DEFAULT_INTERVAL', 0, 60),
      concurrency: integer(env, 'SWITCHBOARD_SYNC_CONCURRENCY', 2, 1, 100),
      leaseSeconds: integer(env, 'SWITCHBOARD_SYNC_LEASE_SECONDS', 60, 1, 3600),
      sweepSeconds: integer(env, 'SWITCHBOARD_SYNC_SWEEP_SECONDS', 30, 1, 3600),
      sliceSeconds: integer(env, 'SWITCHBOARD_SYNC_SLICE_SECONDS', 300, 1, 600),
    },
  };
}
