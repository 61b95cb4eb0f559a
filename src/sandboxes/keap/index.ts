/**
 * Keap sandbox: an emulator of Keap's REST v2 users API (`/crm/rest/v2/users`), its userinfo call and
 * its OAuth 2.0, over real HTTP, on the emulator kit. Callers authenticate with an OAuth access token
 * (`Authorization: Bearer`) or a Personal Access Token / Service Account Key (`X-Keap-API-Key`); the
 * gateway's refusals come as Apigee faults. See docs/integrations/keap.md.
 */
import { randomBytes } from 'node:crypto';
import { apiKey, bearerToken, oauthBearer } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { EXPIRED_TOKEN, INVALID_API_KEY, INVALID_TOKEN, keapError, MISSING_CREDENTIALS } from './errors.ts';
import { defaultClient, type KeapOAuthOptions, keapOAuth, OAUTH_PATHS } from './oauth.ts';
import { type KeapLimits, keapRateLimit, keapWindows } from './rate-limit.ts';
import { API, registerKeapRoutes } from './routes.ts';
import { type KeapUser, type NewUser, seedUsers } from './users.ts';

export type { KeapStatus, KeapUser, NewUser } from './users.ts';
export { DOCS_EXAMPLE_USER, primaryEmail } from './users.ts';

export interface KeapSandboxOptions {
  /** Seeded people (default 200), plus the docs' example user. */
  users?: number;
  seed?: number;
  /** The Personal Access Token clients may send as `X-Keap-API-Key` (default a fresh one). */
  apiKey?: string;
  port?: number;
  host?: string;
  /** Which of Keap's budgets to enforce (default `key`: 10/s, 240/min, 30,000/day); null disables them. */
  rateLimit?: KeapLimits | null;
  oauth?: KeapOAuthOptions;
  faults?: FaultRule[];
}

export interface KeapSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  /** Every user, inactive ones and partners included, in id order. */
  list(): KeapUser[];
  get(id: string): KeapUser | undefined;
  add(user: NewUser): KeapUser;
  update(id: string, patch: Partial<Omit<KeapUser, 'id'>>): KeapUser;
  /** The list calls received, newest last: `filter`, `order_by`, `page_size`, `page_token` as sent. */
  listQueries(): Array<Record<string, string>>;
  /** The API key stops working (deleted in Keap's API settings). */
  revokeApiKey(): void;
  oauth: OAuthControl;
}

export interface KeapSandbox {
  url: string;
  apiKey: string;
  /** The tenant (app name), e.g. `ab123`. */
  tenant: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: KeapSandboxControl;
  close(): Promise<void>;
}

export async function startKeapSandbox(options: KeapSandboxOptions = {}): Promise<KeapSandbox> {
  const seed = options.seed ?? 42;
  const tenant = `kp${(seed % 1000).toString().padStart(3, '0')}`;
  const key = options.apiKey ?? `KeapAK-${randomBytes(20).toString('hex')}`;
  const keys = new Map([[key, tenant]]);
  const store = seedUsers(options.users ?? 200, seed);
  const oauth = keapOAuth(tenant, seed, options.oauth);
  const log: Array<Record<string, string>> = [];
  // Every credential here acts as the first active administrator.
  const owner = () => store.all().find((u) => u.admin && u.status === 'ACTIVE');

  const emulator = await startEmulator(
    {
      name: 'Keap',
      authenticators: [apiKey({ header: 'x-keap-api-key' }, () => keys), oauthBearer(oauth)],
      unauthorized: (request) => {
        if (request.headers['x-keap-api-key'] !== undefined) return { body: INVALID_API_KEY };
        const token = bearerToken(request);
        if (token === undefined) return { body: MISSING_CREDENTIALS };
        return {
          body: oauth.store.accessTokenState(token)?.state === 'expired' ? EXPIRED_TOKEN : INVALID_TOKEN,
        };
      },
      oauth,
      rateLimit: keapRateLimit(keapWindows(options.rateLimit === undefined ? 'key' : options.rateLimit)),
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify(keapError(status, 'Injected fault')),
        contentType: 'application/json',
      }),
      routes: (app) => registerKeapRoutes(app, { store, log, userOf: owner, tenant }),
    },
    { port: options.port, host: options.host },
  );

  const defaults = defaultClient(seed);
  return {
    url: emulator.url,
    apiKey: key,
    tenant,
    oauth: {
      clientId: options.oauth?.clientId ?? defaults.clientId,
      clientSecret: options.oauth?.clientSecret ?? defaults.clientSecret,
      authorizeUrl: `${emulator.url}${OAUTH_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${OAUTH_PATHS.token}`,
    },
    control: {
      ...emulator.control,
      oauth: oauth.control,
      list: () => store.all(),
      get: (id) => store.get(id),
      add: (user) => store.add(user),
      update: (id, patch) => store.update(id, patch),
      listQueries: () => log.map((entry) => ({ ...entry })),
      revokeApiKey: () => keys.clear(),
    },
    close: () => emulator.close(),
  };
}

export { API };
