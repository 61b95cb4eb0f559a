/** Everything a request handler may use, built once at start (see `server.ts`). */

import type { Registry } from 'prom-client';
import type { Accounts } from './accounts/accounts.ts';
import type { AsyncRequests } from './async-requests/async-requests.ts';
import type { Config } from './config.ts';
import type { Keyring } from './crypto/keyring.ts';
import type { EnvironmentIntegrations } from './environment-integrations/environment-integrations.ts';
import type { EventBus } from './events/events.ts';
import type { Webhooks } from './events/webhooks.ts';
import type { JobRunner } from './jobs/runner.ts';
import type { Db } from './store/database.ts';
import type { SyncService } from './sync/service.ts';
import type { UnifiedService } from './unified/service.ts';
import type { UpstreamClient } from './upstream/client.ts';
import type { LookupCache } from './upstream/lookup-cache.ts';

export interface Services {
  config: Config;
  /** The URL clients reach this server at: SWITCHBOARD_PUBLIC_URL, else the listen address (known once listening). */
  publicUrl(): string;
  db: Db;
  dbKind: 'sqlite' | 'postgres';
  keyring: Keyring;
  accounts: Accounts;
  /** Each environment's installed integrations and their OAuth apps. */
  environmentIntegrations: EnvironmentIntegrations;
  metrics: Registry;
  upstream: UpstreamClient;
  lookups: LookupCache;
  asyncRequests: AsyncRequests;
  /** Background jobs (pg-boss on PostgreSQL, in-process over SQLite): see `jobs/runner.ts`. */
  jobs: JobRunner;
  /** Publishes events to webhook subscribers through the outbox: see `events/events.ts`. */
  events: EventBus;
  webhooks: Webhooks;
  /** Directory sync runs, schedules and snapshots: see `sync/service.ts` and docs/sync.md. */
  sync: SyncService;
  /** The unified API's engine entry point: see `unified/service.ts`. */
  unified: UnifiedService;
}
