/**
 * Insightly sandbox: one Insightly instance's v3.1 API (`https://api.{pod}.insightly.com/v3.1` in
 * production, here any origin) with its users endpoints over real HTTP, on the emulator kit. Each user has
 * an API key, sent with HTTP Basic as the user name (the password is ignored, as Insightly says); a missing
 * or unknown key is ASP.NET's 401. Calls are limited per second and per day for the instance, with
 * `X-RateLimit-*` headers and `Retry-After` on 429. Paths are case-insensitive, as Insightly's are. See
 * docs/integrations/insightly.md.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import { hash32 } from '../kit/random.ts';
import { combineHeaders, type RateWindow, retryAfterHeader, xRateLimitHeaders } from '../kit/rate-limit.ts';
import { registerUserRoutes, type SearchCall } from './routes.ts';
import { type InsightlyUser, insightlyDate, seedUsers } from './users.ts';

export type { SearchCall } from './routes.ts';
export type { InsightlyUser } from './users.ts';

export interface InsightlySandboxOptions {
  /** Seeded users (default 120; the first is the account owner). */
  users?: number;
  seed?: number;
  /** The pod in `api.{pod}.insightly.com` (default `na1`). */
  pod?: string;
  /** The account owner's API key (default: a random GUID, the shape of Insightly keys). */
  token?: string;
  port?: number;
  host?: string;
  /** Default 10 calls per second and 20,000 a day per instance (guesses); `null` turns limiting off. */
  rateLimit?: { perSecond: number; daily: number } | null;
  faults?: FaultRule[];
}

export interface InsightlySandboxControl extends EmulatorControl {
  /** Users as `GET /Users` returns them. */
  list(): InsightlyUser[];
  /** Changes a user (moving `DATE_UPDATED_UTC` to now). */
  update(userId: number, patch: Partial<Omit<InsightlyUser, 'USER_ID'>>): InsightlyUser;
  issueKey(userId: number): string;
  /** The `Users/Search` calls served so far, oldest first, with their parameters. */
  searches(): SearchCall[];
  /** Every key stops working (as when API access is switched off for the user). */
  revokeKeys(): void;
}

export interface InsightlySandbox {
  url: string;
  pod: string;
  /** The account owner's API key. */
  token: string;
  control: InsightlySandboxControl;
  close(): Promise<void>;
}

/** The key from `Basic base64(key:)`; any password, or none at all, is taken. */
function basicKey(request: FastifyRequest): string | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? decoded : decoded.slice(0, colon);
}

export async function startInsightlySandbox(
  options: InsightlySandboxOptions = {},
): Promise<InsightlySandbox> {
  const seed = options.seed ?? 42;
  const pod = options.pod ?? 'na1';
  const instanceId = 900_000 + (hash32(seed, 0, 520) % 99_999);
  const users = seedUsers(options.users ?? 120, seed, instanceId);
  const token = options.token ?? randomUUID();
  /** API key → the user it belongs to. */
  const keys = new Map<string, number>([[token, users[0]!.USER_ID]]);
  const searches: SearchCall[] = [];
  const limit = options.rateLimit === undefined ? { perSecond: 10, daily: 20_000 } : options.rateLimit;
  const windows: RateWindow[] = limit
    ? [
        { name: 'per-second', limit: limit.perSecond, windowMs: 1000 },
        { name: 'daily', limit: limit.daily, windowMs: 86_400_000 },
      ]
    : [];

  const authenticate = (request: FastifyRequest): Principal | undefined => {
    const key = basicKey(request);
    return key !== undefined && keys.has(key)
      ? { key, kind: 'basic', account: String(instanceId) }
      : undefined;
  };

  const emulator = await startEmulator(
    {
      name: 'Insightly',
      authenticators: [authenticate],
      unauthorized: () => ({
        status: 401,
        body: { Message: 'Authorization has been denied for this request.' },
      }),
      rateLimit: {
        windows,
        key: (_request, principal) => principal.account ?? principal.key,
        // The daily budget in the headers, as Insightly's clients read them; Retry-After on a refusal.
        headers: combineHeaders(
          xRateLimitHeaders({ window: 'daily', reset: 'epoch-seconds' }),
          retryAfterHeader(),
        ),
        body: (decision) => ({
          Message:
            decision.exceeded?.name === 'daily'
              ? 'Daily API request limit exceeded.'
              : 'API request rate limit exceeded.',
        }),
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify({
          Message: status === 429 ? 'API request rate limit exceeded.' : 'An error has occurred.',
        }),
        contentType: 'application/json; charset=utf-8',
        headers: status === 429 ? { 'retry-after': 1 } : undefined,
      }),
      routes: (app) =>
        registerUserRoutes(
          app,
          () => users,
          (key) => keys.get(key),
          (call) => {
            searches.push(call);
            if (searches.length > 1000) searches.shift();
          },
        ),
      controlRoutes: (route) => {
        route('GET', '/users', () => ({ users }));
        route('GET', '/searches', () => ({ searches }));
      },
      fastify: { caseSensitive: false },
    },
    { port: options.port, host: options.host },
  );

  const control: InsightlySandboxControl = {
    ...emulator.control,
    list: () => users,
    update(userId, patch) {
      const user = users.find((u) => u.USER_ID === userId);
      if (!user) throw new Error(`no user ${userId}`);
      Object.assign(user, patch, { DATE_UPDATED_UTC: insightlyDate(Date.now()) });
      return user;
    },
    issueKey(userId) {
      const key = randomUUID();
      keys.set(key, userId);
      return key;
    },
    revokeKeys: () => keys.clear(),
    searches: () => [...searches],
  };
  return { url: emulator.url, pod, token, control, close: () => emulator.close() };
}
