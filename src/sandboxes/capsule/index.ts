/**
 * Capsule sandbox: an emulator of Capsule CRM's API v2 users and parties, its OAuth 2.0 and its personal
 * access tokens, over real HTTP, on the emulator kit. Both kinds of token are sent as
 * `Authorization: Bearer`; each user may make 4,000 calls an hour, reported in `X-RateLimit-*` headers.
 * See docs/integrations/capsule.md.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { bearerToken, oauthBearer, staticBearer } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { createOAuthServer } from '../kit/oauth/server.ts';
import { hashGuid } from '../kit/random.ts';
import { xRateLimitHeaders } from '../kit/rate-limit.ts';
import { type CapsuleParty, type CapsuleUser, nested, seed } from './data.ts';
import { registerCapsuleRoutes } from './routes.ts';

export type { CapsuleParty, CapsuleUser, NestedParty } from './data.ts';
export { API } from './routes.ts';

export interface CapsuleSandboxOptions {
  /** Seeded people (default 200; API users among them are dropped), after the docs' two users. */
  users?: number;
  seed?: number;
  /** The personal access token (default a fresh one), acting as the docs' first user. */
  token?: string;
  port?: number;
  host?: string;
  /** Calls per user per hour (default 4,000); null disables the limit. */
  rateLimit?: number | null;
  oauth?: { clientId?: string; clientSecret?: string; autoApprove?: boolean };
  faults?: FaultRule[];
}

export interface CapsuleSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  /** Users as `GET /api/v2/users` returns them, in id order. */
  list(): CapsuleUser[];
  party(id: number): CapsuleParty | undefined;
  /** Sets a user's status (`ACTIVE`, `SUSPENDED`, …). */
  setStatus(id: number, status: string): CapsuleUser;
  /** Replaces the email addresses of a user's party. */
  setEmails(userId: number, addresses: string[]): CapsuleParty;
  /** Deletes a party record (its user keeps pointing at it, as after a data clean-up). */
  removeParty(id: number): boolean;
  /** The personal access token stops working (deleted in Capsule). */
  revokeToken(): void;
  oauth: OAuthControl;
}

export interface CapsuleSandbox {
  url: string;
  token: string;
  /** The account's subdomain (`<subdomain>.capsulecrm.com`), also in token responses. */
  subdomain: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: CapsuleSandboxControl;
  close(): Promise<void>;
}

const OAUTH_PATHS = { authorize: '/oauth/authorise', token: '/oauth/token' };
/** Capsule access tokens last a week (a guess; see the docs page). */
const ACCESS_TOKEN_SECONDS = 604_800;

export async function startCapsuleSandbox(options: CapsuleSandboxOptions = {}): Promise<CapsuleSandbox> {
  const seedValue = options.seed ?? 42;
  const subdomain = `sandbox${seedValue % 1000}`;
  const data = seed(options.users ?? 200, seedValue);
  const users = new Map(data.users.map((u) => [u.id, u]));
  const parties = new Map(data.parties.map((p) => [p.id, p]));
  const owner = data.users[0]!;
  const token = options.token ?? randomBytes(24).toString('hex');
  const tokens = new Map([[token, String(owner.id)]]);
  const client = {
    clientId: options.oauth?.clientId ?? hashGuid(seedValue, 1, 8101).replaceAll('-', '').slice(0, 16),
    clientSecret: options.oauth?.clientSecret ?? hashGuid(seedValue, 2, 8102).replaceAll('-', ''),
  };
  const oauth = createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'Capsule',
    clients: [
      {
        ...client,
        redirectUris: 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
    // The consent is given by a user; tokens act as that user (the docs' Scott Spacey here).
    accounts: [{ id: String(owner.id), name: `${owner.name} (${subdomain}.capsulecrm.com)` }],
    clientAuth: 'body',
    pkce: 'off',
    accessTokenLifetime: ACCESS_TOKEN_SECONDS,
    refreshTokens: 'rotating',
    defaultScopes: ['read', 'write'],
    tokenType: 'bearer',
    autoApprove: options.oauth?.autoApprove ?? false,
    tokenResponse: (body) => ({ ...body, subdomain }),
  });
  const scopesOf = (request: FastifyRequest) => request.principal?.scopes ?? ['read', 'write'];
  const listed = () => [...users.values()].sort((a, b) => a.id - b.id).map((u) => structuredClone(u));

  const emulator = await startEmulator(
    {
      name: 'Capsule',
      authenticators: [staticBearer(() => tokens), oauthBearer(oauth, 'account')],
      unauthorized: (request) => {
        const presented = bearerToken(request) !== undefined;
        const challenge = presented
          ? 'Bearer realm="Capsule API", error="invalid_token", error_description="The access token is invalid or has expired"'
          : 'Bearer realm="Capsule API"';
        return {
          headers: { 'www-authenticate': challenge },
          body: {
            message: presented ? 'The access token is invalid or has expired' : 'Bearer token required',
          },
        };
      },
      oauth,
      rateLimit: {
        windows:
          options.rateLimit === null
            ? []
            : [{ name: 'HOURLY', limit: options.rateLimit ?? 4000, windowMs: 3_600_000 }],
        // 4,000 calls an hour per user, whatever token they use.
        key: (_request, principal) => `user:${principal.account}`,
        headers: xRateLimitHeaders({ window: 'HOURLY', reset: 'epoch-seconds' }),
        body: () => ({ error: 'rate limit reached' }),
      },
      faults: options.faults,
      // An injected 429 is Capsule's: the budget spent, reset at the next second (as at the end of an hour).
      faultBody: (status) =>
        status === 429
          ? {
              body: JSON.stringify({ error: 'rate limit reached' }),
              contentType: 'application/json',
              headers: {
                'x-ratelimit-limit': options.rateLimit ?? 4000,
                'x-ratelimit-remaining': 0,
                'x-ratelimit-reset': Math.ceil(Date.now() / 1000) + 1,
              },
            }
          : {
              body: JSON.stringify({ message: `injected fault ${status}` }),
              contentType: 'application/json',
            },
      routes: (app) =>
        registerCapsuleRoutes(app, {
          users: listed,
          user: (id) => structuredClone(users.get(id)),
          party: (id) => structuredClone(parties.get(id)),
          currentUser: (request) => structuredClone(users.get(Number(request.principal?.account))),
          hasScope: (request, scope) => scopesOf(request).includes(scope),
        }),
    },
    { port: options.port, host: options.host },
  );

  const mustUser = (id: number) => {
    const user = users.get(id);
    if (!user) throw new Error(`no user ${id}`);
    return user;
  };
  return {
    url: emulator.url,
    token,
    subdomain,
    oauth: {
      ...client,
      authorizeUrl: `${emulator.url}${OAUTH_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${OAUTH_PATHS.token}`,
    },
    control: {
      ...emulator.control,
      oauth: oauth.control,
      list: listed,
      party: (id) => structuredClone(parties.get(id)),
      setStatus(id, status) {
        mustUser(id).status = status;
        return structuredClone(mustUser(id));
      },
      setEmails(userId, addresses) {
        const party = parties.get(mustUser(userId).party.id)!;
        party.emailAddresses = addresses.map((address, k) => ({
          id: party.id * 10 + k + 1,
          type: 'Work',
          address,
        }));
        mustUser(userId).party = nested(party);
        return structuredClone(party);
      },
      removeParty: (id) => parties.delete(id),
      revokeToken: () => tokens.clear(),
    },
    close: () => emulator.close(),
  };
}
