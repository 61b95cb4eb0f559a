/**
 * Keeps OAuth accounts alive: vendors revoke refresh tokens that go unused, so every active OAuth account
 * is refreshed at least every 24 hours. An hourly job (one instance at a time, through the job runner)
 * refreshes the accounts whose tokens were last refreshed more than 24 hours ago minus a per-account jitter
 * (up to 2 hours, stable per account), so refreshes spread out instead of arriving together.
 */
import { createHash } from 'node:crypto';
import { findIntegration } from '../integrations/registry.ts';
import { oauthKindOf } from '../integrations/types.ts';
import type { JobLogger, JobRunner } from '../jobs/runner.ts';
import type { Db } from '../store/database.ts';
import type { UpstreamTarget } from '../upstream/client.ts';
import type { TokenManager } from './tokens.ts';

export const KEEP_ALIVE_QUEUE = 'oauth-keep-alive';
const EVERY_SECONDS = 3600;
const MAX_AGE_MS = 24 * 3600 * 1000;
const MAX_JITTER_MS = 2 * 3600 * 1000;
/** Accounts refreshed per run; the rest wait for the next one. */
const BATCH = 200;

export interface KeepAliveDeps {
  db: Db;
  jobs: JobRunner;
  tokens: TokenManager;
  /** The account as an upstream call sees it (decrypted). */
  open(environmentId: string, accountId: string): Promise<UpstreamTarget>;
  now?: () => number;
}

function jitterMs(accountId: string): number {
  return createHash('sha256').update(accountId).digest().readUInt32BE(0) % MAX_JITTER_MS;
}

export class KeepAlive {
  readonly #deps: KeepAliveDeps;
  #logger: JobLogger | undefined;

  constructor(deps: KeepAliveDeps) {
    this.#deps = deps;
  }

  register(): void {
    this.#deps.jobs.define(KEEP_ALIVE_QUEUE, () => this.run().then(() => undefined), {
      concurrency: 1,
      leaseSeconds: 900,
      retryLimit: 1,
      singleton: true,
    });
  }

  async start(logger: JobLogger): Promise<void> {
    this.#logger = logger;
    await this.#deps.jobs.schedule(
      KEEP_ALIVE_QUEUE,
      KEEP_ALIVE_QUEUE,
      {},
      {
        everySeconds: EVERY_SECONDS,
        singletonKey: KEEP_ALIVE_QUEUE,
      },
    );
  }

  /** Refreshes the accounts that are due; returns how many were refreshed. */
  async run(): Promise<number> {
    const now = (this.#deps.now ?? Date.now)();
    const rows = await this.#deps.db
      .selectFrom('integrated_accounts')
      .select(['id', 'environment_id', 'integration', 'context', 'credentials_refreshed_at'])
      .where('status', '=', 'active')
      .where((eb) =>
        eb.or([
          eb('credentials_refreshed_at', 'is', null),
          eb('credentials_refreshed_at', '<', new Date(now - MAX_AGE_MS + MAX_JITTER_MS).toISOString()),
        ]),
      )
      .orderBy('credentials_refreshed_at')
      .limit(BATCH * 5)
      .execute();
    let refreshed = 0;
    for (const row of rows) {
      if (refreshed >= BATCH) break;
      const integration = findIntegration(row.integration);
      const kind = integration && oauthKindOf(integration);
      if (!kind) continue;
      const context = JSON.parse(row.context) as Record<string, unknown>;
      if (integration.authKindOf(context).kind !== 'oauth2') continue;
      const last = row.credentials_refreshed_at ? Date.parse(row.credentials_refreshed_at) : 0;
      if (now - last < MAX_AGE_MS - jitterMs(row.id)) continue;
      try {
        const target = await this.#deps.open(row.environment_id, row.id);
        await this.#deps.tokens.refresh(target, kind, undefined, 'keep-alive');
        refreshed++;
      } catch (error) {
        // A revoked grant has already moved the account to needs_reauth; anything else waits for the next run.
        this.#logger?.warn(
          { account: row.id, error_code: (error as { code?: string }).code },
          'keep-alive refresh failed',
        );
      }
    }
    return refreshed;
  }
}
