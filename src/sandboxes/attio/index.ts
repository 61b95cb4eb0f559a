/**
 * Attio sandbox: an emulator of Attio's workspace-members API and its OAuth over real HTTP, on the
 * emulator kit. Auth: a bearer token (a workspace API key or an OAuth access token; HTTP Basic with the
 * token as user name works too), with scopes. Limits: reads per second per token; a refused call gets
 * 429 with `Retry-After` as an HTTP date, as Attio sends it. See docs/integrations/attio.md.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { bearerToken, type Principal } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { rateLimited, serverError, unauthorized } from './errors.ts';
import {
  type AccessLevel,
  type NewMember,
  seedMembers,
  WORKSPACE_ID,
  type WorkspaceMember,
} from './members.ts';
import { type AttioOAuthOptions, attioOAuth, defaultClient, OAUTH_PATHS } from './oauth.ts';
import { registerRoutes } from './routes.ts';

export type { AccessLevel, NewMember, WorkspaceMember } from './members.ts';
export type { AttioOAuthOptions } from './oauth.ts';

export interface AttioSandboxOptions {
  /** Generated members besides the docs' example (default 200). */
  users?: number;
  seed?: number;
  /** The workspace API key (default 64 random hex digits). */
  apiKey?: string;
  /** The API key's scopes (default `user_management:read`, `record_permission:read`). */
  apiKeyScopes?: string[];
  port?: number;
  host?: string;
  /** Read calls per second per token (default 100, Attio's documented read limit); null: off. */
  rateLimit?: { calls: number; windowMs: number } | null;
  oauth?: AttioOAuthOptions;
  faults?: FaultRule[];
}

export interface AttioSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  list(): WorkspaceMember[];
  get(id: string): WorkspaceMember | undefined;
  add(member: NewMember): WorkspaceMember;
  setAccessLevel(id: string, level: AccessLevel): WorkspaceMember;
  oauth: OAuthControl;
  /** The API key stops working (as when it is deleted in the workspace settings). */
  revokeApiKey(): void;
}

export interface AttioSandbox {
  url: string;
  apiKey: string;
  workspaceId: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: AttioSandboxControl;
  close(): Promise<void>;
}

/** The token of `Authorization: Bearer …`, or of HTTP Basic with the token as user name and no password. */
function tokenOf(request: FastifyRequest): string | undefined {
  const bearer = bearerToken(request);
  if (bearer) return bearer;
  const basic = /^Basic\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  const decoded = basic ? Buffer.from(basic, 'base64').toString('utf8') : '';
  return decoded.endsWith(':') && decoded.length > 1 ? decoded.slice(0, -1) : undefined;
}

export async function startAttioSandbox(options: AttioSandboxOptions = {}): Promise<AttioSandbox> {
  const seed = options.seed ?? 42;
  const key = options.apiKey ?? randomBytes(32).toString('hex');
  const store = seedMembers(options.users ?? 200, seed);
  const oauth = attioOAuth(seed, options.oauth);
  const started = Date.now();
  const apiKeys = new Map([
    [key, options.apiKeyScopes ?? ['user_management:read', 'record_permission:read']],
  ]);
  const limit = options.rateLimit === undefined ? { calls: 100, windowMs: 1000 } : options.rateLimit;

  const identify = (
    request: FastifyRequest,
  ): (Principal & { clientId?: string; issuedAt: number }) | undefined => {
    const token = tokenOf(request);
    if (!token) return undefined;
    const scopes = apiKeys.get(token);
    if (scopes) return { key: token, kind: 'token', account: WORKSPACE_ID, scopes, issuedAt: started };
    const grant = oauth.validateAccessToken(token);
    if (!grant) return undefined;
    return {
      key: token,
      kind: 'oauth',
      account: grant.account,
      scopes: grant.scopes,
      grant,
      clientId: grant.clientId,
      issuedAt: grant.createdAt,
    };
  };

  const emulator = await startEmulator(
    {
      name: 'Attio',
      authenticators: [identify],
      unauthorized: () => ({ body: unauthorized() }),
      oauth,
      publicPaths: (path) => path === '/v2/self',
      rateLimit: {
        windows: limit ? [{ name: 'reads', limit: limit.calls, windowMs: limit.windowMs }] : [],
        // Attio's Retry-After is an HTTP date, usually the next second.
        headers: (decision): Record<string, string> =>
          decision.allowed
            ? {}
            : {
                'retry-after': new Date(
                  Math.ceil((decision.now + decision.retryAfterMs) / 1000) * 1000,
                ).toUTCString(),
              },
        body: () => rateLimited(),
      },
      faults: options.faults,
      faultBody: (status) => ({ body: JSON.stringify(serverError(status)), contentType: 'application/json' }),
      routes: (app) => registerRoutes(app, store, identify),
      controlRoutes: (route) => {
        route('GET', '/members', () => store.list());
        route('POST', '/members/:id/access-level', (body, params) =>
          store.setAccessLevel(params.id!, body.access_level as AccessLevel),
        );
        route('POST', '/revoke-api-key', () => {
          apiKeys.clear();
          return { revoked: true };
        });
      },
    },
    { port: options.port, host: options.host },
  );

  const defaults = defaultClient(seed);
  const control: AttioSandboxControl = {
    ...emulator.control,
    oauth: oauth.control,
    list: () => store.list(),
    get: (id) => store.get(id),
    add: (member) => store.add(member),
    setAccessLevel: (id, level) => store.setAccessLevel(id, level),
    revokeApiKey: () => apiKeys.clear(),
  };
  return {
    url: emulator.url,
    apiKey: key,
    workspaceId: WORKSPACE_ID,
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
