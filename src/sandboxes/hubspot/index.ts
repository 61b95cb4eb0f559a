/**
 * HubSpot sandbox: an emulator of HubSpot's CRM Owners API (the users of a HubSpot CRM) and HubSpot's
 * OAuth over real HTTP, for Switchboard's tests, benchmarks and demo, built on the emulator kit. See
 * docs/sandbox-hubspot.md.
 */
import { randomUUID } from 'node:crypto';
import { oauthBearer, staticBearer } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { hash32 } from '../kit/random.ts';
import type { StatsSnapshot } from '../kit/stats.ts';
import { authenticationError, expiredAuthenticationError } from './errors.ts';
import {
  defaultClient,
  type HubSpotOAuthOptions,
  hubspotOAuth,
  OAUTH_PATHS,
  registerHubSpotTokenRoutes,
} from './oauth.ts';
import type { HubSpotOwner, NewOwner, OwnerPatch } from './owners.ts';
import { seedOwners } from './owners.ts';
import { hubspotRateLimit, type RateLimit, windowsFor } from './rate-limit.ts';
import { registerOwnerRoutes } from './routes.ts';

export type { HubSpotOAuthOptions } from './oauth.ts';
export type { HubSpotOwner, HubSpotTeam, NewOwner, OwnerPatch } from './owners.ts';
export type { RateLimit } from './rate-limit.ts';
/** Request counters (`total`, `requests` per route, `unauthorized`, `rateLimited`, per-key windows, hosts, …). */
export type SandboxStats = StatsSnapshot;

export interface HubSpotSandboxOptions {
  /** How many owners to seed (default 200). */
  owners?: number;
  /** Seed for the generated owners, hub id and default OAuth client (default 42). */
  seed?: number;
  /** The private-app token clients may send as `Authorization: Bearer …` (default: a fresh `pat-na1-…`). */
  token?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Rolling-window limit (default 100 calls per 10 s, HubSpot's Free/Starter limit) plus 250k a day; `null` disables it. */
  rateLimit?: RateLimit | null;
  /** The OAuth app: client id and secret (default derived from the seed), redirect URIs, autoApprove. */
  oauth?: HubSpotOAuthOptions;
  faults?: FaultRule[];
}

export interface HubSpotSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  /** Owners as the API would return them, in id order; all of them unless `archived` is given. */
  list(filter?: { archived?: boolean }): HubSpotOwner[];
  get(id: string): HubSpotOwner | undefined;
  add(owner: NewOwner): HubSpotOwner;
  /** Change fields; `updatedAt` moves forward. */
  update(id: string, patch: OwnerPatch): HubSpotOwner;
  /** Archive (deactivate) an owner; `archived: false` restores it. */
  archive(id: string, archived?: boolean): HubSpotOwner;
  /** The OAuth server: issue tokens, expire, revoke, rotation, latency, stats. */
  oauth: OAuthControl;
  /** The private-app token stops working (as when it is rotated or the app is deleted). */
  revokePrivateToken(): void;
}

export interface HubSpotSandbox {
  /** Origin to use as the API base, e.g. `http://127.0.0.1:8282`. */
  url: string;
  /** The private-app token. */
  token: string;
  /** The HubSpot account (portal) id, `hub_id` in token responses. */
  hubId: number;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: HubSpotSandboxControl;
  close(): Promise<void>;
}

export async function startHubSpotSandbox(options: HubSpotSandboxOptions = {}): Promise<HubSpotSandbox> {
  const seed = options.seed ?? 42;
  const token = options.token ?? `pat-na1-${randomUUID()}`;
  const hubId = 20_000_000 + (hash32(seed, 0, 4242) % 30_000_000);
  const store = seedOwners(options.owners ?? 200, seed);
  const oauth = hubspotOAuth(hubId, seed, options.oauth);
  const privateTokens = new Map([[token, String(hubId)]]);

  const emulator = await startEmulator(
    {
      name: 'HubSpot',
      authenticators: [staticBearer(() => privateTokens), oauthBearer(oauth)],
      unauthorized: (request) => {
        const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
        const state = bearer ? oauth.store.accessTokenState(bearer) : undefined;
        if (state?.state === 'expired' && state.expiresAt !== null)
          return { body: expiredAuthenticationError(request.id, state.expiresAt) };
        return { body: authenticationError(request.id) };
      },
      oauth,
      rateLimit: hubspotRateLimit(windowsFor(options.rateLimit)),
      faults: options.faults,
      publicPaths: (path) => path.startsWith('/oauth/v1/'),
      onRequest: (request, reply) => {
        reply.header('x-hubspot-correlation-id', request.id);
      },
      routes: (app) => {
        registerHubSpotTokenRoutes(app, oauth, hubId);
        registerOwnerRoutes(app, store);
      },
    },
    { port: options.port, host: options.host },
  );

  const defaults = defaultClient(seed);
  const client = {
    clientId: options.oauth?.clientId ?? defaults.clientId,
    clientSecret: options.oauth?.clientSecret ?? defaults.clientSecret,
  };
  const control: HubSpotSandboxControl = {
    ...emulator.control,
    oauth: oauth.control,
    list: (filter) => store.list(filter),
    get: (id) => store.get(id),
    add: (owner) => store.add(owner),
    update: (id, patch) => store.update(id, patch),
    archive: (id, archived) => store.archive(id, archived),
    revokePrivateToken: () => privateTokens.clear(),
  };
  return {
    url: emulator.url,
    token,
    hubId,
    oauth: {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      authorizeUrl: `${emulator.url}${OAUTH_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${OAUTH_PATHS.token}`,
    },
    control,
    close: () => emulator.close(),
  };
}
