/**
 * Wix sandbox: one Wix site with its contributors (Query Site Contributors), an app installed on it (an
 * app instance) whose tokens come from client credentials, and an account API key used with
 * `wix-site-id`. Both go in `Authorization` without a scheme (a `Bearer ` prefix is tolerated). 200 calls
 * per minute per instance. See docs/integrations/wix.md.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Authenticator } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import type { OAuthServer } from '../kit/oauth/server.ts';
import type { IssuedTokens } from '../kit/oauth/types.ts';
import { hashGuid } from '../kit/random.ts';
import { seedContributors, type WixContributor } from './contributors.ts';
import { applicationError, rateLimited, unauthenticated } from './errors.ts';
import { appCredentials, MANAGE_CONTRIBUTORS, OAUTH_PATHS, type WixAppOptions, wixOAuth } from './oauth.ts';
import { registerContributorRoutes } from './routes.ts';

export type { WixContributor } from './contributors.ts';
export { ROLES } from './contributors.ts';

export interface WixSandboxOptions {
  /** How many contributors (default 40; the first owns the site). */
  contributors?: number;
  seed?: number;
  port?: number;
  host?: string;
  /** Default 200 calls per 60 s per instance (or per API key and site); `null` turns limiting off. */
  rateLimit?: { calls: number; windowMs: number } | null;
  app?: WixAppOptions;
  /** The API key's permissions (default: Manage Contributors). */
  apiKeyPermissions?: string[];
  faults?: FaultRule[];
}

export interface WixSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  /** The site's contributors as Wix lists them. */
  list(): WixContributor[];
  add(contributor: WixContributor): WixContributor;
  remove(id: string): boolean;
  /** An access token for the app instance, as `POST /oauth2/token` would give. */
  issueToken(options?: { accessExpiresIn?: number }): IssuedTokens;
  /** The API key stops working (deleted in the API Keys Manager). */
  revokeApiKey(): void;
  oauth: OAuthControl;
}

export interface WixSandbox {
  url: string;
  siteId: string;
  instanceId: string;
  apiKey: string;
  app: { appId: string; appSecret: string; tokenUrl: string };
  control: WixSandboxControl;
  close(): Promise<void>;
}

/** `Authorization: <credential>`, as Wix documents it; `Bearer <credential>` is accepted too. */
function credentialOf(request: FastifyRequest): string | undefined {
  const raw = request.headers.authorization?.trim();
  if (!raw) return undefined;
  return /^Bearer\s+/i.test(raw) ? raw.replace(/^Bearer\s+/i, '') : raw;
}

function appToken(oauth: OAuthServer, instances: ReadonlyMap<string, string>): Authenticator {
  return (request) => {
    const token = credentialOf(request);
    const grant = token?.startsWith('OauthNG.') ? oauth.validateAccessToken(token) : undefined;
    if (!grant) return undefined;
    return {
      key: `instance:${grant.account}`,
      kind: 'oauth',
      account: instances.get(grant.account),
      scopes: grant.scopes,
      grant,
    };
  };
}

/** An account API key reaches the site named in `wix-site-id` when it was given access to it. */
function apiKeyAuth(
  keys: () => ReadonlyMap<string, { sites: string[]; permissions: string[] }>,
): Authenticator {
  return (request) => {
    const key = credentialOf(request);
    const found = key ? keys().get(key) : undefined;
    if (!found) return undefined;
    const header = request.headers['wix-site-id'];
    const site = Array.isArray(header) ? header[0] : header;
    return {
      key: `site:${site ?? '-'}`,
      kind: 'api-key',
      account: site && found.sites.includes(site) ? site : undefined,
      scopes: found.permissions,
    };
  };
}

export async function startWixSandbox(options: WixSandboxOptions = {}): Promise<WixSandbox> {
  const seed = options.seed ?? 42;
  const siteId = hashGuid(seed, 1, 8601);
  const instanceId = hashGuid(seed, 2, 8602);
  const instances = new Map([[instanceId, siteId]]);
  const store = seedContributors(options.contributors ?? 40, seed, siteId);
  const oauth = wixOAuth(instances, seed, options.app);
  const apiKey = `IST.${Buffer.from(JSON.stringify({ kid: 'sandbox', seed })).toString('base64url')}.${randomBytes(48).toString('base64url')}`;
  const apiKeys = new Map([
    [apiKey, { sites: [siteId], permissions: options.apiKeyPermissions ?? [MANAGE_CONTRIBUTORS] }],
  ]);
  const limit = options.rateLimit === undefined ? { calls: 200, windowMs: 60_000 } : options.rateLimit;

  const emulator = await startEmulator(
    {
      name: 'Wix',
      authenticators: [appToken(oauth, instances), apiKeyAuth(() => apiKeys)],
      unauthorized: () => ({ body: unauthenticated() }),
      oauth,
      rateLimit: {
        windows: limit ? [{ name: 'minute', limit: limit.calls, windowMs: limit.windowMs }] : [],
        body: () => rateLimited(),
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify(
          status === 429 ? rateLimited() : applicationError('INTERNAL', 'Internal Server Error'),
        ),
        contentType: 'application/json',
      }),
      routes: (app) => registerContributorRoutes(app, store),
    },
    { port: options.port, host: options.host },
  );

  const app = appCredentials(seed, options.app);
  const control: WixSandboxControl = {
    ...emulator.control,
    oauth: oauth.control,
    list: () => store.list(),
    add: (contributor) => store.add(contributor),
    remove: (id) => store.remove(id),
    issueToken: (issue = {}) =>
      oauth.control.issueTokens({
        clientId: app.appId,
        account: instanceId,
        scopes: options.app?.permissions ?? [MANAGE_CONTRIBUTORS],
        refresh: false,
        ...(issue.accessExpiresIn !== undefined ? { accessExpiresIn: issue.accessExpiresIn } : {}),
      }),
    revokeApiKey: () => apiKeys.clear(),
  };
  return {
    url: emulator.url,
    siteId,
    instanceId,
    apiKey,
    app: { appId: app.appId, appSecret: app.appSecret, tokenUrl: `${emulator.url}${OAUTH_PATHS.token}` },
    control,
    close: () => emulator.close(),
  };
}
