/**
 * ActiveCampaign sandbox: one account's v3 API (`https://{account}.api-us1.com/api/3` in production, here
 * any origin) with its users endpoints over real HTTP, on the emulator kit. Each user has an API key sent
 * as `Api-Token`; a missing or unknown key is 403 (ActiveCampaign's status for "could not be
 * authenticated"); 5 calls per second per account, shared by every key, with `RateLimit-*` headers and
 * `Retry-After` on 429. See docs/integrations/activecampaign.md.
 */
import { randomBytes } from 'node:crypto';
import { apiKey } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import {
  combineHeaders,
  type RateHeaders,
  type RateHeaderWriter,
  retryAfterHeader,
} from '../kit/rate-limit.ts';
import { registerUserRoutes } from './routes.ts';
import { type AcUser, type NewUser, seedUsers } from './users.ts';

export type { AcUser, NewUser } from './users.ts';

export interface ActiveCampaignSandboxOptions {
  /** Seeded people (default 60; the deactivated ones are left out, as ActiveCampaign deletes users). */
  users?: number;
  seed?: number;
  /** The account name in `https://{account}.api-us1.com` (default `youraccountname`, the docs' stand-in). */
  account?: string;
  /** The first user's API key (default: 72 random hex digits, the shape of ActiveCampaign keys). */
  token?: string;
  port?: number;
  host?: string;
  /** Default 5 calls per second per account; `null` turns limiting off. */
  rateLimit?: { calls: number; windowMs: number } | null;
  faults?: FaultRule[];
}

export interface ActiveCampaignSandboxControl extends EmulatorControl {
  /** Users as the API lists them. */
  list(): AcUser[];
  add(user: NewUser): AcUser;
  remove(id: string): boolean;
  /** A new API key for a user (as each user has their own). */
  issueKey(userId: string): string;
  /** Every key stops working (as when the user's key is regenerated). */
  revokeKeys(): void;
}

export interface ActiveCampaignSandbox {
  url: string;
  /** The account's API URL as Settings › Developer shows it. */
  apiUrl: string;
  /** The API key of user 1 (the admin). */
  token: string;
  control: ActiveCampaignSandboxControl;
  close(): Promise<void>;
}

/** `RateLimit-Limit` and `RateLimit-Remaining`, as the rate-limit page names them. */
const rateLimitHeaders: RateHeaderWriter = (decision): RateHeaders => {
  const window = decision.exceeded ?? decision.windows[0];
  return window ? { 'ratelimit-limit': window.limit, 'ratelimit-remaining': window.remaining } : {};
};

export const newKey = () => randomBytes(36).toString('hex');

export async function startActiveCampaignSandbox(
  options: ActiveCampaignSandboxOptions = {},
): Promise<ActiveCampaignSandbox> {
  const seed = options.seed ?? 42;
  const account = options.account ?? 'youraccountname';
  const apiUrl = `https://${account}.api-us1.com`;
  const store = seedUsers(apiUrl, options.users ?? 60, seed);
  const token = options.token ?? newKey();
  /** API key → the user it belongs to. */
  const keys = new Map<string, string>([[token, '1']]);
  const limit = options.rateLimit === undefined ? { calls: 5, windowMs: 1000 } : options.rateLimit;

  const emulator = await startEmulator(
    {
      name: 'ActiveCampaign',
      authenticators: [
        apiKey({ header: 'Api-Token' }, () => new Map([...keys.keys()].map((k) => [k, account]))),
      ],
      unauthorized: () => ({ status: 403, body: { message: 'Forbidden' } }),
      rateLimit: {
        windows: limit ? [{ name: 'per-second', limit: limit.calls, windowMs: limit.windowMs }] : [],
        key: (_request, principal) => principal.account ?? principal.key,
        headers: combineHeaders(rateLimitHeaders, retryAfterHeader()),
        body: () => ({ message: 'Too Many Requests' }),
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify({
          message: status === 429 ? 'Too Many Requests' : status >= 500 ? 'Internal Server Error' : 'Error',
        }),
        contentType: 'application/json',
        headers:
          status === 429
            ? { 'retry-after': 1, 'ratelimit-limit': limit?.calls ?? 5, 'ratelimit-remaining': 0 }
            : undefined,
      }),
      routes: (app) => registerUserRoutes(app, store, (key) => keys.get(key)),
      controlRoutes: (route) => {
        route('GET', '/users', () => ({ users: store.list() }));
      },
    },
    { port: options.port, host: options.host },
  );

  const control: ActiveCampaignSandboxControl = {
    ...emulator.control,
    list: () => store.list(),
    add: (user) => store.add(user),
    remove: (id) => store.remove(id),
    issueKey(userId) {
      if (!store.get(userId)) throw new Error(`no user ${userId}`);
      const key = newKey();
      keys.set(key, userId);
      return key;
    },
    revokeKeys: () => keys.clear(),
  };
  return { url: emulator.url, apiUrl, token, control, close: () => emulator.close() };
}
