/**
 * Configuration comes only from environment variables, parsed once at start.
 * A bad value stops the server with a message that names the variable; nothing falls back silently.
 */
import path from 'node:path';

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
  /** Where link pages and docs say the server lives. */
  publicUrl: string | undefined;
  logLevel: string;
  bodyLimitBytes: number;
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
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env['HOST'] || '127.0.0.1',
    dataDir: path.resolve(env['DATA_DIR'] || './data'),
    databaseUrl,
    databaseSchema,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    encryptionKeys,
    apiToken,
    allowedUpstreamOrigins: origins(env, 'SWITCHBOARD_ALLOW_UPSTREAM'),
    publicUrl: url(env, 'SWITCHBOARD_PUBLIC_URL', ['http:', 'https:']),
    logLevel,
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
  };
}
