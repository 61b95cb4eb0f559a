/**
 * Accelo sandbox: one Accelo deployment (`https://{deployment}.api.accelo.com` in production, here any
 * origin) with its staff API and OAuth 2.0 over real HTTP, on the emulator kit. API calls carry
 * `Authorization: Bearer <token>` or `_bearer_token` (not both); 5,000 calls an hour per deployment with
 * `X-RateLimit-*` headers; errors in Accelo's `{ meta, response }` envelope. See docs/integrations/accelo.md.
 */
import type { FastifyRequest } from 'fastify';
import { bearerToken, type Principal } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { xRateLimitHeaders } from '../kit/rate-limit.ts';
import { envelope, rateLimitEnvelope, statusFor } from './errors.ts';
import { type AcceloOAuthOptions, acceloOAuth, defaultClient, OAUTH_PATHS } from './oauth.ts';
import { type ListCall, registerStaffRoutes } from './routes.ts';
import { type AcceloStaff, project, type StaffView, type Standing, seedStaff } from './staff.ts';

export type { ListCall } from './routes.ts';
export type { AcceloStaff, StaffView } from './staff.ts';

export interface AcceloSandboxOptions {
  /** Seeded staff after the docs' two samples (default 150). */
  staff?: number;
  seed?: number;
  /** The deployment (subdomain) this sandbox plays (default `planet-express`, the docs' example). */
  deployment?: string;
  port?: number;
  host?: string;
  /** Calls per window (default 5,000 per hour, Accelo's limit); `null` turns limiting off. */
  rateLimit?: { calls: number; windowMs: number } | null;
  oauth?: AcceloOAuthOptions;
  faults?: FaultRule[];
}

export interface AcceloSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  /** Staff as `GET /staff?_fields=_ALL` shows them, in id order. */
  list(): StaffView[];
  /** Every field of one staff member (rates included). */
  get(id: string): AcceloStaff | undefined;
  setStanding(id: string, standing: Standing): void;
  /** The staff list calls served so far, oldest first, with their filters and paging. */
  listCalls(): ListCall[];
  oauth: OAuthControl;
}

export interface AcceloSandbox {
  url: string;
  deployment: string;
  /** The staff member the OAuth consents are given by (`GET /staff/whoami`). */
  currentUserId: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: AcceloSandboxControl;
  close(): Promise<void>;
}

const HOUR_MS = 3_600_000;

/** `_bearer_token` in the query, the documented alternative to the header. */
function queryToken(request: FastifyRequest): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.['_bearer_token'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export async function startAcceloSandbox(options: AcceloSandboxOptions = {}): Promise<AcceloSandbox> {
  const seed = options.seed ?? 42;
  const deployment = options.deployment ?? 'planet-express';
  const staff = seedStaff(options.staff ?? 150, seed);
  const byId = new Map(staff.map((s) => [s.id, s]));
  // The first seeded person (after the docs' two samples) is the user who consents.
  const currentUserId = staff[2]?.id ?? staff[0]!.id;
  const listCalls: ListCall[] = [];
  const oauth = acceloOAuth(deployment, seed, options.oauth);
  const limit = options.rateLimit === undefined ? { calls: 5000, windowMs: HOUR_MS } : options.rateLimit;

  const authenticate = (request: FastifyRequest): Principal | undefined => {
    const header = bearerToken(request);
    const query = queryToken(request);
    if (header !== undefined && query !== undefined) return undefined;
    const grant = oauth.validateAccessToken((header ?? query) as string);
    if (!grant) return undefined;
    return { key: grant.account, kind: 'oauth', account: grant.account, scopes: grant.scopes, grant };
  };

  const emulator = await startEmulator(
    {
      name: 'Accelo',
      authenticators: [authenticate],
      unauthorized: (request) => {
        // Both credentials at once is a malformed request, not a refused one.
        const both = bearerToken(request) !== undefined && queryToken(request) !== undefined;
        const answer = envelope(request, both ? 'invalid_request' : 'invalid_client', null);
        return { status: answer.status, body: answer.body };
      },
      oauth,
      rateLimit: {
        windows: limit ? [{ name: 'hourly', limit: limit.calls, windowMs: limit.windowMs }] : [],
        key: (_request, principal) => principal.account ?? principal.key,
        headers: xRateLimitHeaders({ reset: 'epoch-seconds' }),
        body: (_decision, request) => rateLimitEnvelope(request, deployment).body,
      },
      faults: options.faults,
      faultBody: (status, request) => {
        const answer =
          status === 429
            ? rateLimitEnvelope(request, deployment)
            : envelope(request, statusFor(status), null);
        // An injected 429 is a spent hour whose window reopens in a moment.
        const headers =
          status === 429
            ? {
                'x-ratelimit-limit': limit?.calls ?? 5000,
                'x-ratelimit-remaining': 0,
                'x-ratelimit-reset': Math.ceil(Date.now() / 1000) + 1,
              }
            : undefined;
        return { body: JSON.stringify(answer.body), contentType: 'application/json', headers };
      },
      routes: (app) =>
        registerStaffRoutes(
          app,
          {
            list: () => staff,
            logListCall: (call) => {
              listCalls.push(call);
              if (listCalls.length > 1000) listCalls.shift();
            },
            get: (id) => byId.get(id),
            currentUserId,
            deployment,
          },
          oauth,
        ),
      controlRoutes: (route) => {
        route('GET', '/staff', () => ({ staff: staff.map((s) => project(s, ['_ALL'])) }));
        route('GET', '/list-calls', () => ({ calls: listCalls }));
      },
    },
    { port: options.port, host: options.host },
  );

  const client = {
    ...defaultClient(seed, deployment),
    ...(options.oauth?.clientId ? { clientId: options.oauth.clientId } : {}),
    ...(options.oauth?.clientSecret ? { clientSecret: options.oauth.clientSecret } : {}),
  };
  const control: AcceloSandboxControl = {
    ...emulator.control,
    oauth: oauth.control,
    list: () => staff.map((s) => project(s, ['_ALL'])),
    get: (id) => byId.get(id),
    listCalls: () => [...listCalls],
    setStanding(id, standing) {
      const found = byId.get(id);
      if (!found) throw new Error(`no staff ${id}`);
      found.standing = standing;
    },
  };
  return {
    url: emulator.url,
    deployment,
    currentUserId,
    oauth: {
      ...client,
      authorizeUrl: `${emulator.url}${OAUTH_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${OAUTH_PATHS.token}`,
    },
    control,
    close: () => emulator.close(),
  };
}
