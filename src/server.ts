/**
 * Builds and starts a Switchboard server from a Config: opens the database (migrating it), loads the
 * encryption keys, provisions the default environment and its first token, and listens.
 */
import type { Writable } from 'node:stream';
import { Accounts } from './accounts/accounts.ts';
import { type App, buildApp } from './api/app.ts';
import { createMetricsRegistry } from './api/metrics.ts';
import type { Config } from './config.ts';
import { loadKeyring } from './crypto/keyring.ts';
import type { Services } from './services.ts';
import { openDatabase } from './store/database.ts';
import {
  countTokens,
  createApiToken,
  DEFAULT_ENVIRONMENT_ID,
  ensureDefaultEnvironment,
} from './store/tenancy.ts';

export interface RunningServer {
  app: App;
  services: Services;
  url: string;
  /** The admin token created on first start (shown once), if one was created. */
  firstToken: string | undefined;
  databaseLocation: string;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  options: { logStream?: Writable } = {},
): Promise<RunningServer> {
  const { keyring } = loadKeyring(config.encryptionKeys, config.dataDir);
  const { db, kind, location } = await openDatabase(config);
  try {
    const firstToken = await provisionTokens(db, config.apiToken);
    const services: Services = {
      config,
      db,
      dbKind: kind,
      keyring,
      accounts: new Accounts({ db, keyring, allowedUpstreamOrigins: config.allowedUpstreamOrigins }),
      metrics: createMetricsRegistry(),
    };
    const app = await buildApp({ services, logStream: options.logStream });
    const address = await app.listen({ port: config.port, host: config.host });
    const url = address.replace('[::1]', 'localhost');
    return {
      app,
      services,
      url,
      firstToken,
      databaseLocation: location,
      async close() {
        await app.close();
        await db.destroy();
      },
    };
  } catch (error) {
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
    await createApiToken(db, DEFAULT_ENVIRONMENT_ID, 'SWITCHBOARD_API_TOKEN', configuredToken);
    return undefined;
  }
  if ((await countTokens(db, DEFAULT_ENVIRONMENT_ID)) > 0) return undefined;
  return (await createApiToken(db, DEFAULT_ENVIRONMENT_ID, 'first admin token')).token;
}
