/**
 * Pipedrive sandbox: an emulator of Pipedrive's v1 Users API and its OAuth over real HTTP, on the
 * emulator kit. Auth: an API token in `x-api-token` (or the legacy `?api_token=`) or an OAuth bearer
 * token. See docs/integrations/pipedrive.md.
 */
import { randomBytes } from 'node:crypto';
import { apiKey, bearerToken, oauthBearer } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { hash32 } from '../kit/random.ts';
import { invalidAccessToken, pipedriveError, unauthorizedAccess } from './errors.ts';
import { defaultClient, OAUTH_PATHS, type PipedriveOAuthOptions, pipedriveOAuth } from './oauth.ts';
import { type PipedriveLimits, pipedriveRateLimit, windowsFor } from './rate-limit.ts';
import { type CompanyInfo, registerUserRoutes, type Search } from './routes.ts';
import { type NewUser, type PipedriveUser, seedUsers } from './users.ts';

export type { PipedriveOAuthOptions } from './oauth.ts';
export type { PipedriveLimits } from './rate-limit.ts';
export type { Search } from './routes.ts';
export type { NewUser, PipedriveAccess, PipedriveUser } from './users.ts';

export interface PipedriveSandboxOptions {
  /** Generated users besides the docs' two examples (default 200). */
  users?: number;
  seed?: number;
  /** The API token (default: 40 random hex digits, as Pipedrive's are). */
  token?: string;
  port?: number;
  host?: string;
  /** Burst and daily budget (defaults: Lite plan, 20 calls per 2 s, 30,000 tokens per active user); null: off. */
  rateLimit?: Partial<PipedriveLimits> | null;
  oauth?: PipedriveOAuthOptions;
  faults?: FaultRule[];
}

export interface PipedriveSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  /** Users exactly as `GET /v1/users` returns them, in id order. */
  list(): PipedriveUser[];
  get(id: number): PipedriveUser | undefined;
  add(user: NewUser): PipedriveUser;
  update(id: number, patch: Partial<Omit<PipedriveUser, 'id' | 'is_you'>>): PipedriveUser;
  /** Every `/users/find` call received, in order. */
  searches(): Search[];
  oauth: OAuthControl;
  /** The API token stops working (as when the user regenerates it). */
  revokeApiToken(): void;
}

export interface PipedriveSandbox {
  url: string;
  token: string;
  company: CompanyInfo;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: PipedriveSandboxControl;
  close(): Promise<void>;
}

export async function startPipedriveSandbox(
  options: PipedriveSandboxOptions = {},
): Promise<PipedriveSandbox> {
  const seed = options.seed ?? 42;
  const token = options.token ?? randomBytes(20).toString('hex');
  const store = seedUsers(options.users ?? 200, seed);
  const companyId = 5_000_000 + (hash32(seed, 0, 8100) % 4_000_000);
  const company: CompanyInfo = {
    id: companyId,
    name: 'Pipedrive Sandbox Company',
    domain: `sandbox-${companyId.toString(36)}`,
    country: 'EE',
  };
  const oauth = pipedriveOAuth(companyId, seed, options.oauth);
  const apiTokens = new Map([[token, String(companyId)]]);
  const searches: Search[] = [];
  const activeSeats = store.list().filter((u) => u.active_flag).length;
  const limits =
    options.rateLimit === null
      ? null
      : { burst: 20, dailyTokens: 30_000 * Math.max(1, activeSeats), ...options.rateLimit };

  const emulator = await startEmulator(
    {
      name: 'Pipedrive',
      authenticators: [
        apiKey({ header: 'x-api-token' }, () => apiTokens),
        apiKey({ query: 'api_token' }, () => apiTokens),
        oauthBearer(oauth, 'account'),
      ],
      unauthorized: (request) => {
        const bearer = bearerToken(request);
        if (!bearer) return { body: unauthorizedAccess() };
        const state = oauth.store.accessTokenState(bearer);
        return { body: invalidAccessToken(state?.state === 'expired') };
      },
      oauth,
      rateLimit: pipedriveRateLimit(windowsFor(limits)),
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify(pipedriveError(status, 'Internal server error')),
        contentType: 'application/json; charset=utf-8',
      }),
      routes: (app) => registerUserRoutes(app, store, company, searches),
      controlRoutes: (route) => {
        route('GET', '/users', () => store.list());
        route('GET', '/searches', () => searches);
        route('POST', '/revoke-api-token', () => {
          apiTokens.clear();
          return { revoked: true };
        });
      },
    },
    { port: options.port, host: options.host },
  );

  const defaults = defaultClient(seed);
  const control: PipedriveSandboxControl = {
    ...emulator.control,
    oauth: oauth.control,
    list: () => store.list(),
    get: (id) => store.get(id),
    add: (user) => store.add(user),
    update: (id, patch) => store.update(id, patch),
    searches: () => [...searches],
    revokeApiToken: () => apiTokens.clear(),
  };
  return {
    url: emulator.url,
    token,
    company,
    oauth: {
      clientId: options.oauth?.clientId ?? defaults.clientId,
      clientSecret: options.oauth?.clientSecret ?? defaults.clientSecret,
      authorizeUrl: `${emulator.url}${OAUTH_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${OAUTH_PATHS.token}`,
    },
    control,
    close: () => emulator.close(),
  };
}
