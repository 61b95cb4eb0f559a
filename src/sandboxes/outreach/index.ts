/**
 * Outreach sandbox: the JSON:API users resource (`GET /api/v2/users`, `/api/v2/users/{id}`) and Outreach's
 * OAuth 2.0 (`/oauth/authorize`, `/oauth/token`; client in the body; 2-hour access tokens; refresh tokens
 * that rotate and last 14 days) over real HTTP, on the kit. Lists page by `page[size]` (50 by default, at
 * most 1000) and `links.next` (`page[after]`), filter by `filter[attr]=a,b` and `filter[dateAttr]=from..to`,
 * sort by `sort=attr,-attr`. 10,000 calls an hour per user, with `X-RateLimit-*` headers and `Retry-After`
 * on 429. See docs/integrations/outreach.md for what is documented and what is guessed.
 */
import { randomBytes } from 'node:crypto';
import { oauthBearer } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { createOAuthServer } from '../kit/oauth/server.ts';
import { hashGuid } from '../kit/random.ts';
import { combineHeaders, retryAfterHeader, xRateLimitHeaders } from '../kit/rate-limit.ts';
import { JSON_API, outreachErrors, registerRoutes } from './routes.ts';
import { type OutreachUser, type StoredUser, seedUsers } from './users.ts';

export { outreachErrors } from './routes.ts';
export type { OutreachUser } from './users.ts';

export const OAUTH_PATHS = { authorize: '/oauth/authorize', token: '/oauth/token' };
export const ACCESS_TOKEN_SECONDS = 7200;
export const REFRESH_TOKEN_SECONDS = 14 * 86_400;
export const HOURLY_LIMIT = 10_000;

export interface OutreachSandboxOptions {
  users?: number;
  seed?: number;
  port?: number;
  host?: string;
  /** Calls per window per user (default 10,000 an hour); null disables the limit. */
  rateLimit?: { calls: number; windowMs: number } | null;
  oauth?: { clientId?: string; clientSecret?: string; autoApprove?: boolean };
  faults?: FaultRule[];
}

export interface OutreachSandbox {
  url: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: Omit<EmulatorControl, 'oauth'> & {
    oauth: OAuthControl;
    /** Every user, in id order, as the API returns them. */
    list(): OutreachUser[];
    /** Locks or unlocks a user, moving `updatedAt`. */
    setLocked(id: number, locked: boolean): OutreachUser;
    /** The last 1,000 API request targets (path and query, as sent), oldest first. */
    requestLog(): string[];
  };
  close(): Promise<void>;
}

export async function startOutreachSandbox(options: OutreachSandboxOptions = {}): Promise<OutreachSandbox> {
  const seed = options.seed ?? 42;
  const users = seedUsers(options.users ?? 200, seed);
  const client = {
    clientId: options.oauth?.clientId ?? randomId(seed, 1),
    clientSecret: options.oauth?.clientSecret ?? randomId(seed, 2),
  };
  const oauth = createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'Outreach',
    clients: [
      {
        ...client,
        redirectUris: 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
    accounts: [{ id: String(users[0]!.id), name: 'Outreach user' }],
    clientAuth: 'body',
    pkce: 'off',
    accessTokenLifetime: ACCESS_TOKEN_SECONDS,
    refreshTokenLifetime: REFRESH_TOKEN_SECONDS,
    refreshTokens: 'rotating',
    tokenType: 'bearer',
    autoApprove: options.oauth?.autoApprove ?? false,
    newAccessToken: () => randomBytes(32).toString('hex'),
    newRefreshToken: () => randomBytes(32).toString('hex'),
    tokenResponse: (body, _grant, context) => ({
      access_token: body.access_token,
      token_type: 'bearer',
      expires_in: body.expires_in,
      refresh_token: body.refresh_token,
      scope: body.scope,
      created_at: Math.floor(context.issuedAt / 1000),
    }),
  });
  const log: string[] = [];
  let url = '';
  const present = (u: StoredUser, origin: string): OutreachUser => ({
    type: 'user',
    id: u.id,
    attributes: { ...u.attributes },
    links: { self: `${origin}/api/v2/users/${u.id}` },
  });
  const windows =
    options.rateLimit === null
      ? []
      : [
          {
            name: 'hourly',
            limit: options.rateLimit?.calls ?? HOURLY_LIMIT,
            windowMs: options.rateLimit?.windowMs ?? 3_600_000,
          },
        ];
  const emulator = await startEmulator(
    {
      name: 'Outreach',
      // Limits count per user: the OAuth grant's account is the user who consented.
      authenticators: [oauthBearer(oauth, 'account')],
      unauthorized: () => ({
        body: outreachErrors(
          'unauthorized',
          'Unauthorized',
          'The OAuth token is missing, invalid or expired.',
        ),
        headers: { 'content-type': JSON_API },
      }),
      oauth,
      rateLimit: {
        windows,
        headers: combineHeaders(
          xRateLimitHeaders({ window: 'hourly', reset: 'epoch-seconds' }),
          retryAfterHeader(),
        ),
        body: (decision) =>
          outreachErrors(
            'rateLimitExceeded',
            'Rate Limit Exceeded',
            `You have exceeded your permitted rate limit of ${decision.exceeded?.limit ?? HOURLY_LIMIT}; please try again at ${new Date(decision.now + decision.retryAfterMs).toISOString().slice(0, 19)}.`,
          ),
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify(outreachErrors('injectedFault', 'Injected Fault', `injected HTTP ${status}`)),
        contentType: JSON_API,
      }),
      onRequest: (request) => {
        if (log.push(request.url) > 1000) log.shift();
      },
      routes: (app) => registerRoutes(app, () => users, present),
    },
    { port: options.port, host: options.host },
  );
  url = emulator.url;
  return {
    url,
    oauth: {
      ...client,
      authorizeUrl: `${url}${OAUTH_PATHS.authorize}`,
      tokenUrl: `${url}${OAUTH_PATHS.token}`,
    },
    control: {
      ...emulator.control,
      oauth: oauth.control,
      list: () => [...users].sort((a, b) => a.id - b.id).map((u) => present(u, url)),
      setLocked(id, locked) {
        const user = users.find((u) => u.id === id);
        if (!user) throw new Error(`no user ${id}`);
        user.attributes.locked = locked;
        user.attributes.updatedAt = new Date(
          Math.max(Date.now(), Date.parse(user.attributes.updatedAt) + 1),
        ).toISOString();
        return present(user, url);
      },
      requestLog: () => [...log],
    },
    close: () => emulator.close(),
  };
}

/** Outreach application ids and secrets are 43-character base64url strings. */
function randomId(seed: number, salt: number): string {
  return Buffer.from(hashGuid(seed, salt, 9300) + hashGuid(seed, salt, 9301))
    .toString('base64url')
    .slice(0, 43);
}
