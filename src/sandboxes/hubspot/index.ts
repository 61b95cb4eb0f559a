/**
 * HubSpot sandbox: an emulator of HubSpot's CRM Owners API (the users of a HubSpot CRM) over real HTTP,
 * for Switchboard's tests, benchmarks and demo. See docs/sandbox-hubspot.md.
 */
import { randomUUID } from 'node:crypto';
import type { HubSpotOwner, NewOwner, OwnerPatch } from './owners.ts';
import { seedOwners } from './owners.ts';
import type { RateLimit, SandboxStats } from './server.ts';
import { buildApp } from './server.ts';

export type { HubSpotOwner, HubSpotTeam, NewOwner, OwnerPatch } from './owners.ts';
export type { RateLimit, SandboxStats } from './server.ts';

export interface HubSpotSandboxOptions {
  /** How many owners to seed (default 200). */
  owners?: number;
  /** Seed for the generated owners (default 42): same seed, same owners. */
  seed?: number;
  /** The private-app token clients must send as `Authorization: Bearer …` (default: a fresh `pat-na1-…`). */
  token?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Rolling-window limit (default 100 calls per 10 s, HubSpot's Free/Starter private-app limit); `null` disables it. */
  rateLimit?: RateLimit | null;
}

export interface HubSpotSandboxControl {
  /** Owners as the API would return them, in id order; all of them unless `archived` is given. */
  list(filter?: { archived?: boolean }): HubSpotOwner[];
  get(id: string): HubSpotOwner | undefined;
  add(owner: NewOwner): HubSpotOwner;
  /** Change fields; `updatedAt` moves forward. */
  update(id: string, patch: OwnerPatch): HubSpotOwner;
  /** Archive (deactivate) an owner; `archived: false` restores it. */
  archive(id: string, archived?: boolean): HubSpotOwner;
  /** A snapshot of the request counters. */
  stats(): SandboxStats;
  resetStats(): void;
}

export interface HubSpotSandbox {
  /** Origin to use as the API base, e.g. `http://127.0.0.1:8282`. */
  url: string;
  token: string;
  control: HubSpotSandboxControl;
  close(): Promise<void>;
}

export async function startHubSpotSandbox(options: HubSpotSandboxOptions = {}): Promise<HubSpotSandbox> {
  const token = options.token ?? `pat-na1-${randomUUID()}`;
  const store = seedOwners(options.owners ?? 200, options.seed ?? 42);
  const stats: SandboxStats = { total: 0, requests: {}, unauthorized: 0, rateLimited: 0 };
  const rateLimit = options.rateLimit === undefined ? { calls: 100, windowMs: 10_000 } : options.rateLimit;
  const app = buildApp({ store, token, rateLimit, stats });

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;

  const control: HubSpotSandboxControl = {
    list: (filter) => store.list(filter),
    get: (id) => store.get(id),
    add: (owner) => store.add(owner),
    update: (id, patch) => store.update(id, patch),
    archive: (id, archived) => store.archive(id, archived),
    stats: () => ({ ...stats, requests: { ...stats.requests } }),
    resetStats: () => {
      stats.total = 0;
      stats.unauthorized = 0;
      stats.rateLimited = 0;
      stats.requests = {};
    },
  };

  return { url, token, control, close: () => app.close() };
}
