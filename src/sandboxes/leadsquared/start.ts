/** Creating and starting a sandbox from options. */
import type { FastifyInstance } from 'fastify';
import { primaryAccount } from './accounts.ts';
import { buildLeadSquaredApp } from './app.ts';
import { createControl, type SandboxControl } from './control.ts';
import { generateTenant } from './data/generate.ts';
import { type FaultRule, validateFaultRules } from './http/faults.ts';
import { DEFAULT_RATE_LIMIT, normaliseRateLimit, type RateLimitConfig } from './http/rate-limit.ts';
import { SandboxState } from './state.ts';

export interface LeadSquaredSandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Users to generate (default 5000). */
  users?: number;
  /** Data seed (default 42). The same seed always gives the same data and the same default keys. */
  seed?: number;
  /** Number of `mx_Custom_N` user fields (default 15). */
  customFields?: number;
  /** Default: derived from the seed. */
  accessKey?: string;
  secretKey?: string;
  /** Default 25 calls per 5 s, answered with 429; `false` or `{ calls: 0 }` turns it off. */
  rateLimit?: Partial<RateLimitConfig> | false;
  wrongRegion?: boolean;
  apiHost?: string;
  softErrors?: boolean;
  emptyUnauthorizedBody?: boolean;
  faults?: FaultRule[];
  /** Delay before asynchronous requests are applied (default 50 ms). */
  asyncDelayMs?: number;
  logger?: boolean;
}

export interface LeadSquaredSandbox {
  /** The origin, e.g. `http://127.0.0.1:8181`; LeadSquared paths live under `/v2/`. */
  url: string;
  accessKey: string;
  secretKey: string;
  control: SandboxControl;
  app: FastifyInstance;
  close(): Promise<void>;
}

export const DEFAULT_USERS = 5000;
export const DEFAULT_SEED = 42;
export const DEFAULT_ASYNC_DELAY_MS = 50;

export function createSandboxState(options: LeadSquaredSandboxOptions = {}): SandboxState {
  const tenant = generateTenant({
    users: options.users ?? DEFAULT_USERS,
    seed: options.seed ?? DEFAULT_SEED,
    customFields: options.customFields,
  });
  const rateLimit = normaliseRateLimit(
    options.rateLimit === false ? { calls: 0 } : options.rateLimit,
    DEFAULT_RATE_LIMIT,
  );
  const state = new SandboxState(
    primaryAccount(tenant, options.accessKey, options.secretKey),
    {
      wrongRegion: options.wrongRegion ?? false,
      apiHost: options.apiHost,
      softErrors: options.softErrors ?? false,
      emptyUnauthorizedBody: options.emptyUnauthorizedBody ?? false,
    },
    rateLimit,
    options.asyncDelayMs ?? DEFAULT_ASYNC_DELAY_MS,
  );
  if (options.faults) state.faults.set(validateFaultRules(options.faults));
  return state;
}

export async function startLeadSquaredSandbox(
  options: LeadSquaredSandboxOptions = {},
): Promise<LeadSquaredSandbox> {
  const state = createSandboxState(options);
  const app = buildLeadSquaredApp(state, { logger: options.logger });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  state.listenHost = host;
  state.listenPort = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${state.listenPort}`,
    accessKey: state.primary.accessKey,
    secretKey: state.primary.secretKey,
    control: createControl(state),
    app,
    async close() {
      state.jobs.close();
      for (const socket of state.stalledSockets) socket.destroy();
      await app.close();
    },
  };
}
