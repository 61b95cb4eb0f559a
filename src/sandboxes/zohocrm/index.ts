/**
 * Zoho CRM sandbox: one organisation's Users API (`/crm/v8/users`) and Zoho Accounts' OAuth endpoints
 * over real HTTP on one origin (in production they are `www.zohoapis.<dc>` and `accounts.zoho.<dc>`),
 * built on the emulator kit. The token response's `api_domain` is the sandbox's own origin. See
 * docs/integrations/zohocrm.md.
 */
import type { Authenticator } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { ACCOUNTS_PATHS, registerAccountsQuirks, type ZohoOAuthOptions, zohoAccounts } from './accounts.ts';
import { registerUserRoutes, zohoError } from './routes.ts';
import { type NewZohoUser, seedZohoUsers, type ZohoUser } from './users.ts';

export type { ZohoOAuthOptions } from './accounts.ts';
export type { NewZohoUser, ZohoUser } from './users.ts';

export interface ZohoSandboxOptions {
  /** Seeded people (default 200), besides the docs' example user. */
  users?: number;
  seed?: number;
  /** The organisation's time zone, which every date-time's offset follows (default `Asia/Kolkata`). */
  timeZone?: string;
  port?: number;
  host?: string;
  /** API credits per rolling 24 hours (default 5,000, the Free edition's); null: none. */
  dailyCredits?: number | null;
  oauth?: ZohoOAuthOptions;
  faults?: FaultRule[];
}

export interface ListRequest {
  query: Record<string, string>;
  ifModifiedSince?: string;
}

export interface ZohoSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  /** Every user, deleted ones included, as the API returns them. */
  list(): ZohoUser[];
  add(user: NewZohoUser): ZohoUser;
  update(id: string, patch: Parameters<ReturnType<typeof seedZohoUsers>['update']>[1]): ZohoUser;
  oauth: OAuthControl;
  /** The last 200 list requests (parameters and `If-Modified-Since`), oldest first. */
  listRequests(): ListRequest[];
}

export interface ZohoSandbox {
  url: string;
  /** The user tokens act as (the organisation's administrator). */
  currentUserId: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: ZohoSandboxControl;
  close(): Promise<void>;
}

const READ_SCOPE = /^zohocrm\.users\.(read|all)$/i;

export async function startZohoSandbox(options: ZohoSandboxOptions = {}): Promise<ZohoSandbox> {
  const seed = options.seed ?? 42;
  const store = seedZohoUsers(options.users ?? 200, seed, options.timeZone ?? 'Asia/Kolkata');
  const admin = store.all().find((u) => u.profile.name === 'Administrator')!;
  const oauth = zohoAccounts({ ...options.oauth, seed, account: admin.zuid });
  const requests: ListRequest[] = [];
  const token = (header: string | undefined) => /^Zoho-oauthtoken\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  const withUsersScope: Authenticator = (request) => {
    const value = token(request.headers.authorization);
    const grant = value ? oauth.validateAccessToken(value) : undefined;
    if (!grant?.scopes.some((s) => READ_SCOPE.test(s))) return undefined;
    return { key: grant.account, kind: 'oauth', account: grant.account, scopes: grant.scopes, grant };
  };
  const daily = options.dailyCredits === undefined ? 5000 : options.dailyCredits;

  const emulator = await startEmulator(
    {
      name: 'Zoho CRM',
      authenticators: [withUsersScope],
      unauthorized: (request) => {
        const value = token(request.headers.authorization);
        if (!value) return { body: zohoError('AUTHENTICATION_FAILURE', 'Authentication failed') };
        const grant = oauth.validateAccessToken(value);
        return {
          body: grant
            ? zohoError('OAUTH_SCOPE_MISMATCH', 'invalid oauth scope to access this URL')
            : zohoError('INVALID_TOKEN', 'invalid oauth token'),
        };
      },
      oauth,
      rateLimit: {
        windows: daily === null ? [] : [{ name: 'API_CREDITS', limit: daily, windowMs: 86_400_000 }],
        body: () =>
          zohoError(
            'TOO_MANY_REQUESTS',
            'The API credits of this organization for the last 24 hours are used up.',
          ),
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify(
          status === 429
            ? zohoError('TOO_MANY_REQUESTS', 'Too many requests are in progress. Try again after some time.')
            : zohoError('INTERNAL_ERROR', 'Internal Server Error'),
        ),
        contentType: 'application/json;charset=UTF-8',
      }),
      routes: (app) => {
        registerAccountsQuirks(app);
        registerUserRoutes(
          app,
          store,
          () => admin.id,
          (request) => {
            requests.push(request);
            if (requests.length > 200) requests.shift();
          },
        );
      },
    },
    { port: options.port, host: options.host },
  );

  const client = oauth.options.clients[0]!;
  const control: ZohoSandboxControl = {
    ...emulator.control,
    oauth: oauth.control,
    list: () => store.all().map((u) => structuredClone(u)),
    add: (user) => store.add(user),
    update: (id, patch) => store.update(id, patch),
    listRequests: () => requests.map((r) => ({ ...r, query: { ...r.query } })),
  };
  return {
    url: emulator.url,
    currentUserId: admin.id,
    oauth: {
      clientId: client.clientId,
      clientSecret: client.clientSecret!,
      authorizeUrl: `${emulator.url}${ACCOUNTS_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${ACCOUNTS_PATHS.token}`,
    },
    control,
    close: () => emulator.close(),
  };
}
