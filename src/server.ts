/**
 * Builds and starts a Switchboard server from a Config: opens the database (migrating it), loads the
 * encryption keys, provisions the default environment and its first token, and listens.
 */
import type { Writable } from 'node:stream';
import { Accounts } from './accounts/accounts.ts';
import { type App, buildApp } from './api/app.ts';
import { createMetricsRegistry } from './api/metrics.ts';
import { AsyncRequests } from './async-requests/async-requests.ts';
import type { Config } from './config.ts';
import { loadKeyring } from './crypto/keyring.ts';
import { EnvironmentIntegrations } from './environment-integrations/environment-integrations.ts';
import { createEventServices, type EventServices } from './events/setup.ts';
import { KeepAlive } from './oauth/keep-alive.ts';
import { MemoryRefreshLocks, PostgresRefreshLocks } from './oauth/locks.ts';
import { TokenManager } from './oauth/tokens.ts';
import type { Services } from './services.ts';
import { openDatabase } from './store/database.ts';
import {
  countTokens,
  createApiToken,
  DEFAULT_ENVIRONMENT_ID,
  ensureDefaultEnvironment,
  provisionAdminToken,
} from './store/tenancy.ts';
import { SyncService } from './sync/service.ts';
import { UnifiedService } from './unified/service.ts';
import { openCaller } from './upstream/account-caller.ts';
import type { UpstreamClient } from './upstream/client.ts';
import { LookupCache } from './upstream/lookup-cache.ts';
import { createUpstreamClient } from './upstream/setup.ts';

export interface RunningServer {
  app: App;
  services: Services;
  url: string;
  /** The admin token created on first start (shown once), if one was created. */
  firstToken: string | undefined;
  /** The OAuth keep-alive (its job runs hourly; tests run it directly). */
  keepAlive: KeepAlive;
  databaseLocation: string;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  options: { logStream?: Writable } = {},
): Promise<RunningServer> {
  const { keyring, warnings } = loadKeyring(config.encryptionKeys, config.dataDir);
  const { db, kind, location } = await openDatabase(config);
  let eventServices: EventServices | undefined;
  let upstream: UpstreamClient | undefined;
  try {
    const firstToken = await provisionTokens(db, config.apiToken);
    const metrics = createMetricsRegistry();
    eventServices = createEventServices({ config, db, dbKind: kind, keyring, metrics });
    const { jobs, events, webhooks } = eventServices;
    const environmentIntegrations = new EnvironmentIntegrations({
      db,
      keyring,
      allowedUpstreamOrigins: config.allowedUpstreamOrigins,
    });
    const accounts = new Accounts({
      db,
      keyring,
      allowedUpstreamOrigins: config.allowedUpstreamOrigins,
      events,
    });
    const tokens = new TokenManager({
      db,
      keyring,
      locks: kind === 'postgres' ? new PostgresRefreshLocks(db) : new MemoryRefreshLocks(db),
      environmentIntegrations,
      accounts,
    });
    accounts.useTokenImport((environmentId, integration, context) =>
      tokens.freshForImport(environmentId, integration, context),
    );
    upstream = await createUpstreamClient(
      config,
      metrics,
      {
        onUnauthorized: (target, message) =>
          accounts.markNeedsReauth(target.environmentId, target.accountId, message),
        onReactivated: (target) => accounts.markReactivated(target.environmentId, target.accountId),
      },
      tokens,
    );
    const client = upstream;
    accounts.usePacing((accountId, integration, rateLimit) =>
      client.reserveSlot({
        accountId,
        environmentId: '',
        accountStatus: 'connecting',
        integration,
        origin: '',
        context: {},
        credentialsVersion: 0,
        rateLimit,
      }),
    );
    const sync = new SyncService({
      db,
      jobs,
      events,
      accounts,
      settings: config.sync,
      open: async (environmentId, accountId) => {
        const caller = await openCaller(services, environmentId, accountId);
        return { caller, integration: caller.integration, tenantId: caller.account.tenantId };
      },
    });
    sync.register();
    const keepAlive = new KeepAlive({
      db,
      jobs,
      tokens,
      open: async (environmentId, accountId) => (await openCaller(services, environmentId, accountId)).target,
    });
    keepAlive.register();
    let listenUrl = '';
    const services: Services = {
      config,
      publicUrl: () => (config.publicUrl ?? listenUrl).replace(/\/+$/, ''),
      db,
      dbKind: kind,
      keyring,
      accounts,
      environmentIntegrations,
      metrics,
      upstream,
      lookups: new LookupCache(),
      asyncRequests: new AsyncRequests(db),
      jobs,
      events,
      webhooks,
      sync,
      unified: new UnifiedService({
        keyring,
        open: (environmentId, accountId, request) => openCaller(services, environmentId, accountId, request),
        invalidateLookups: (accountId) => services.lookups.invalidate(`${accountId}:`),
      }),
    };
    const app = await buildApp({ services, logStream: options.logStream });
    for (const warning of warnings) app.log.warn(warning);
    await eventServices.start(app.log.child({ component: 'jobs' }));
    await sync.start(app.log.child({ component: 'sync' }));
    await keepAlive.start(app.log.child({ component: 'oauth-keep-alive' }));
    const address = await app.listen({ port: config.port, host: config.host });
    const url = address.replace('[::1]', 'localhost');
    listenUrl = url;
    return {
      app,
      services,
      url,
      firstToken,
      keepAlive,
      databaseLocation: location,
      async close() {
        await app.close();
        await jobs.stop();
        await upstream?.close();
        await db.destroy();
      },
    };
  } catch (error) {
    await eventServices?.stop().catch(() => {});
    await upstream?.close().catch(() => {});
    await db.destroy();
    throw error;
  }
}

async function provisionTokens(
  db: Services['db'],
  configuredToken: string | undefined,
): Promise<string | undefined> {
  await ensureDefaultEnvironment(db);
  if (configuredToken) {
    await provisionAdminToken(db, configuredToken);
    return undefined;
  }
  if ((await countTokens(db, DEFAULT_ENVIRONMENT_ID)) > 0) return undefined;
  return (await createApiToken(db, DEFAULT_ENVIRONMENT_ID, 'first admin token', { admin: true })).token;
}
