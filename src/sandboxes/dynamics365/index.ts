/**
 * Dynamics 365 sandbox: one Dataverse environment's Web API for users (`systemusers`, `WhoAmI`) and the
 * Microsoft Entra ID v2.0 endpoints that issue its tokens, on one origin, built on the emulator kit. Tokens
 * must be for the environment (`aud`); service protection limits are 6,000 requests per user in a sliding
 * 5 minutes, refused with 429 and `Retry-After`. See docs/integrations/dynamics365.md.
 */
import type { Authenticator } from '../kit/auth.ts';
import { bearerToken } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { hashGuid } from '../kit/random.ts';
import { combineHeaders, type RateHeaders, retryAfterHeader } from '../kit/rate-limit.ts';
import { ENTRA_PATHS, type EntraOptions, entraOAuth, registerEntraChecks } from './entra.ts';
import { parseSelect } from './odata.ts';
import { registerWebApiRoutes, shape } from './routes.ts';
import { COLUMNS, type NewSystemUser, type SystemUser, seedSystemUsers } from './users.ts';

export type { EntraOptions } from './entra.ts';
export type { NewSystemUser, SystemUser } from './users.ts';

export interface DynamicsSandboxOptions {
  /** Seeded people (default 200), besides the built-in users. */
  users?: number;
  seed?: number;
  /** The environment URL tokens must be for (default `https://contoso.crm.dynamics.com`). */
  orgUrl?: string;
  port?: number;
  host?: string;
  /** Requests per user in a sliding 5 minutes (default 6,000); null: no limit. */
  requestsPer5Minutes?: number | null;
  oauth?: EntraOptions;
  faults?: FaultRule[];
}

export interface DynamicsSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  /** Every systemuser as the Web API returns it with these columns (default all). */
  list(select?: readonly string[]): Record<string, unknown>[];
  add(user: NewSystemUser): SystemUser;
  update(id: string, patch: Parameters<ReturnType<typeof seedSystemUsers>['update']>[1]): SystemUser;
  oauth: OAuthControl;
  /** The query options of the last 200 `systemusers` list requests, oldest first. */
  listRequests(): Array<Record<string, string | undefined>>;
}

export interface DynamicsSandbox {
  url: string;
  orgUrl: string;
  tenantId: string;
  /** The systemuser the sandbox's tokens act as (the environment's first administrator). */
  userId: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: DynamicsSandboxControl;
  close(): Promise<void>;
}

const throttled = (limit: number) => ({
  error: {
    code: '0x80072322',
    message: `Number of requests exceeded the limit of ${limit} over time window of 300 seconds.`,
  },
});

export async function startDynamicsSandbox(options: DynamicsSandboxOptions = {}): Promise<DynamicsSandbox> {
  const seed = options.seed ?? 42;
  const orgUrl = options.orgUrl ?? 'https://contoso.crm.dynamics.com';
  const store = seedSystemUsers(options.users ?? 200, seed);
  const oauth = entraOAuth(orgUrl, seed, options.oauth);
  const organizationId = hashGuid(seed, 9, 4800);
  const admin = store.all().find((row) => row['accessmode'] === 1 && row['applicationid'] === null)!;
  const forEnvironment: Authenticator = (request) => {
    const token = bearerToken(request);
    const grant = token ? oauth.validateAccessToken(token) : undefined;
    if (!grant?.scopes.some((s) => s.startsWith(`${orgUrl}/`))) return undefined;
    return { key: grant.account, kind: 'oauth', account: grant.account, scopes: grant.scopes, grant };
  };
  const limit = options.requestsPer5Minutes === undefined ? 6000 : options.requestsPer5Minutes;
  const listRequests: Array<Record<string, string | undefined>> = [];

  const emulator = await startEmulator(
    {
      name: 'Dynamics 365',
      authenticators: [forEnvironment],
      // Dataverse answers a missing or wrong token with an empty 401 naming where to get one.
      unauthorized: () => ({
        headers: {
          'www-authenticate': `Bearer authorization_uri=https://login.microsoftonline.com/${oauth.tenantId}/oauth2/authorize, resource_id=${orgUrl}/`,
        },
        body: '',
      }),
      oauth,
      rateLimit: {
        windows: limit === null ? [] : [{ name: 'burst', limit, windowMs: 300_000 }],
        headers: combineHeaders(
          (decision): RateHeaders =>
            decision.windows[0]
              ? { 'x-ms-ratelimit-burst-remaining-xrm-requests': decision.windows[0].remaining }
              : {},
          retryAfterHeader(),
        ),
        body: (decision) => throttled(decision.exceeded?.limit ?? 6000),
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify(
          status === 429
            ? throttled(limit ?? 6000)
            : { error: { code: '0x80040216', message: 'An unexpected error occurred.' } },
        ),
        contentType: 'application/json; odata.metadata=minimal',
      }),
      routes: (app) => {
        registerEntraChecks(app, orgUrl);
        registerWebApiRoutes(
          app,
          store,
          () => ({ userId: String(admin['systemuserid']), organizationId }),
          (options) => {
            listRequests.push(options);
            if (listRequests.length > 200) listRequests.shift();
          },
        );
      },
    },
    { port: options.port, host: options.host },
  );

  const client = oauth.options.clients[0]!;
  const control: DynamicsSandboxControl = {
    ...emulator.control,
    oauth: oauth.control,
    list: (select) => {
      const columns = parseSelect(select?.join(','), COLUMNS);
      return store.all().map((row) => shape(row, columns));
    },
    add: (user) => store.add(user),
    update: (id, patch) => store.update(id, patch),
    listRequests: () => listRequests.map((options) => ({ ...options })),
  };
  return {
    url: emulator.url,
    orgUrl,
    tenantId: oauth.tenantId,
    userId: String(admin['systemuserid']),
    oauth: {
      clientId: client.clientId,
      clientSecret: client.clientSecret!,
      authorizeUrl: `${emulator.url}${ENTRA_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${ENTRA_PATHS.token}`,
    },
    control,
    close: () => emulator.close(),
  };
}
