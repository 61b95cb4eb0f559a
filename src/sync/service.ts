/**
 * Directory sync: starting runs (on demand and on schedule), listing them, per-account schedules, and the
 * sweep that finds due schedules and interrupted runs. The work of a run is in `worker.ts`; how it works is
 * described in docs/sync.md.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Accounts } from '../accounts/accounts.ts';
import type { SyncSettings } from '../config.ts';
import { SwitchboardError } from '../errors.ts';
import type { EventBus } from '../events/events.ts';
import { getIntegration } from '../integrations/registry.ts';
import type { JobLogger, JobRunner } from '../jobs/runner.ts';
import type { Db } from '../store/database.ts';
import type { Keyset } from '../store/keyset.ts';
import { pastKeyset } from '../store/keyset.ts';
import type { SyncJobRunTable, SyncSettingsTable } from '../store/schema.ts';
import { resolveResources } from './resources.ts';
import { initialProgress, type RunOptions, type RunStatus, runToJson } from './runs.ts';
import {
  HANDOVER_GRACE_MS,
  RunWorker,
  SYNC_JOB_LEASE_SECONDS,
  SYNC_QUEUE,
  type SyncJob,
  type SyncTarget,
} from './worker.ts';

export const SWEEP_QUEUE = 'sync-sweep';
const SWEEP_SCHEDULE_KEY = 'sync-sweep';
/** Shortest schedule an account may have. */
export const MIN_INTERVAL_SECONDS = 60;
/** Finished runs are kept this long. */
const RUN_RETENTION_MS = 30 * 86_400_000;
const HOUSEKEEPING_EVERY_MS = 3_600_000;
const SWEEP_BATCH = 100;

export interface CreateRunInput {
  integrated_account_id: string;
  resources?: string[];
  emit_initial?: boolean;
  page_size?: number;
}

export interface SyncServiceDeps {
  db: Db;
  jobs: JobRunner;
  events: EventBus;
  accounts: Accounts;
  settings: SyncSettings;
  /** The account's caller (`openCaller`): vendor calls paced by the account's limiter. */
  open(environmentId: string, accountId: string): Promise<SyncTarget>;
}

const iso = (ms = Date.now()) => new Date(ms).toISOString();

export class SyncService {
  readonly #d: SyncServiceDeps;
  readonly #worker: RunWorker;
  #logger: JobLogger | undefined;
  #lastHousekeeping = 0;

  constructor(deps: SyncServiceDeps) {
    this.#d = deps;
    this.#worker = new RunWorker({
      db: deps.db,
      jobs: deps.jobs,
      events: deps.events,
      leaseSeconds: deps.settings.leaseSeconds,
      sliceSeconds: deps.settings.sliceSeconds,
      open: deps.open,
      logger: () => this.#logger,
    });
  }

  /** Defines the job queues (before the job runner starts, on every instance). */
  register(): void {
    this.#d.jobs.define<SyncJob>(SYNC_QUEUE, (job) => this.#worker.execute(job), {
      concurrency: this.#d.settings.concurrency,
      leaseSeconds: SYNC_JOB_LEASE_SECONDS,
      retryLimit: 5,
      retryDelaySeconds: 5,
    });
    this.#d.jobs.define(SWEEP_QUEUE, () => this.sweep(), {
      concurrency: 1,
      leaseSeconds: 300,
      retryLimit: 1,
      singleton: true,
    });
  }

  /** Schedules the sweep (once the job runner is started). */
  async start(logger: JobLogger): Promise<void> {
    this.#logger = logger;
    await this.#d.jobs.schedule(
      SWEEP_SCHEDULE_KEY,
      SWEEP_QUEUE,
      {},
      { everySeconds: this.#d.settings.sweepSeconds, singletonKey: 'sync-sweep' },
    );
  }

  // ── runs ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Queues a run. One run per account at a time: while one is pending or running, this is a 409 whose
   * `details.sync_job_run` is the active run.
   */
  async createRun(
    environmentId: string,
    input: CreateRunInput,
    triggeredBy: 'api' | 'schedule' = 'api',
  ): Promise<Record<string, unknown>> {
    const account = await this.#d.accounts.get(environmentId, input.integrated_account_id);
    if (account.status !== 'active') {
      throw new SwitchboardError(
        'CONFLICT',
        `integrated account ${account.id} is ${account.status}: it can be synced once it is active`,
      );
    }
    const integration = getIntegration(account.integration);
    const resources = resolveResources(integration, input.resources);
    const maxPage = Math.min(...resources.map((r) => integration.unified[r]!.list!.maxPageSize));
    if (input.page_size !== undefined && (input.page_size < 1 || input.page_size > maxPage)) {
      throw new SwitchboardError('INVALID_REQUEST', `page_size must be from 1 to ${maxPage}`);
    }
    const options: RunOptions = {
      emit_initial: input.emit_initial ?? false,
      page_size: input.page_size ?? null,
    };
    const now = iso();
    const row: SyncJobRunTable = {
      id: randomUUID(),
      environment_id: environmentId,
      integrated_account_id: account.id,
      status: 'pending',
      triggered_by: triggeredBy,
      resources: JSON.stringify(resources),
      options: JSON.stringify(options),
      progress: JSON.stringify(initialProgress(resources)),
      fetched: 0,
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 0,
      events: 0,
      error: null,
      job_id: randomUUID(),
      lease_owner: null,
      // If its job never picks it up, the sweep hands it to another job after this.
      lease_until: iso(Date.now() + HANDOVER_GRACE_MS),
      attempts: 0,
      created_at: now,
      started_at: null,
      finished_at: null,
      updated_at: now,
    };
    const active = () => this.#activeRun(account.id);
    const running = await active();
    if (running) throw alreadyRunning(running);
    try {
      await this.#d.db.transaction().execute(async (trx) => {
        await trx.insertInto('sync_job_runs').values(row).execute();
        await this.#d.jobs.enqueue<SyncJob>(SYNC_QUEUE, { runId: row.id }, { id: row.job_id!, db: trx });
      });
    } catch (error) {
      // The unique index on active runs: another request won the race.
      const winner = await active();
      if (winner) throw alreadyRunning(winner);
      throw error;
    }
    this.#d.jobs.wake(SYNC_QUEUE);
    return runToJson(row);
  }

  async #activeRun(accountId: string): Promise<SyncJobRunTable | undefined> {
    return this.#d.db
      .selectFrom('sync_job_runs')
      .selectAll()
      .where('integrated_account_id', '=', accountId)
      .where('status', 'in', ['pending', 'running'])
      .executeTakeFirst();
  }

  async getRun(environmentId: string, id: string): Promise<Record<string, unknown>> {
    const row = await this.#d.db
      .selectFrom('sync_job_runs')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new SwitchboardError('NOT_FOUND', `sync job run ${id} was not found in this environment`);
    return runToJson(row);
  }

  /** Newest first. */
  async listRuns(
    environmentId: string,
    query: { accountId?: string; status?: RunStatus; limit: number; after?: Keyset },
  ): Promise<{ items: SyncJobRunTable[]; hasMore: boolean }> {
    let q = this.#d.db.selectFrom('sync_job_runs').selectAll().where('environment_id', '=', environmentId);
    if (query.accountId) q = q.where('integrated_account_id', '=', query.accountId);
    if (query.status) q = q.where('status', '=', query.status);
    if (query.after) {
      q = q.where(pastKeyset(query.after, 'desc'));
    }
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    return { items: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
  }

  // ── schedules ───────────────────────────────────────────────────────────────────────────────────

  async getSchedule(environmentId: string, accountId: string): Promise<Record<string, unknown>> {
    const account = await this.#d.accounts.get(environmentId, accountId);
    const settings = await this.#d.db
      .selectFrom('sync_settings')
      .selectAll()
      .where('integrated_account_id', '=', account.id)
      .executeTakeFirst();
    const last = await this.#d.db
      .selectFrom('sync_job_runs')
      .selectAll()
      .where('integrated_account_id', '=', account.id)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const states = await this.#d.db
      .selectFrom('sync_states')
      .selectAll()
      .where('integrated_account_id', '=', account.id)
      .execute();
    const effective = this.#interval(settings);
    return {
      integrated_account_id: account.id,
      interval_seconds: settings?.interval_seconds ?? null,
      default_interval_seconds: this.#d.settings.defaultIntervalSeconds,
      effective_interval_seconds: effective,
      resources: settings?.resources ? JSON.parse(settings.resources) : null,
      next_run_at:
        effective > 0 && account.status === 'active'
          ? last
            ? iso(Math.max(Date.parse(last.created_at) + effective * 1000, Date.now()))
            : iso()
          : null,
      last_run: last ? runToJson(last) : null,
      snapshots: states.map((s) => ({
        resource: s.resource,
        taken_at: s.last_completed_at,
        sync_job_run_id: s.last_run_id,
        records: s.record_count,
      })),
    };
  }

  /** `interval_seconds`: 0 = never, null = the server default; `resources`: null = the default set. */
  async setSchedule(
    environmentId: string,
    accountId: string,
    input: { interval_seconds?: number | null; resources?: string[] | null },
  ): Promise<Record<string, unknown>> {
    const account = await this.#d.accounts.get(environmentId, accountId);
    const interval = input.interval_seconds;
    if (interval !== undefined && interval !== null && interval !== 0 && interval < MIN_INTERVAL_SECONDS) {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `interval_seconds must be 0 (never), null (the server default) or at least ${MIN_INTERVAL_SECONDS}`,
      );
    }
    let resources: string | null | undefined;
    if (input.resources === null || input.resources?.length === 0) resources = null;
    else if (input.resources !== undefined) {
      resources = JSON.stringify(resolveResources(getIntegration(account.integration), input.resources));
    }
    const now = iso();
    const existing = await this.#d.db
      .selectFrom('sync_settings')
      .selectAll()
      .where('integrated_account_id', '=', account.id)
      .executeTakeFirst();
    const row: SyncSettingsTable = {
      integrated_account_id: account.id,
      environment_id: environmentId,
      interval_seconds: interval === undefined ? (existing?.interval_seconds ?? null) : interval,
      resources: resources === undefined ? (existing?.resources ?? null) : resources,
      created_at: existing?.created_at ?? now,
      updated_at: now,
    };
    await this.#d.db
      .insertInto('sync_settings')
      .values(row)
      .onConflict((oc) =>
        oc.column('integrated_account_id').doUpdateSet({
          interval_seconds: row.interval_seconds,
          resources: row.resources,
          updated_at: now,
        }),
      )
      .execute();
    return this.getSchedule(environmentId, account.id);
  }

  #interval(settings: { interval_seconds: number | null } | undefined): number {
    return settings?.interval_seconds ?? this.#d.settings.defaultIntervalSeconds;
  }

  // ── the sweep ───────────────────────────────────────────────────────────────────────────────────

  /** Resumes interrupted runs, starts due scheduled runs, and (hourly) cleans up. One instance at a time. */
  async sweep(): Promise<void> {
    await this.#resumeInterrupted();
    await this.#startDue();
    if (Date.now() - this.#lastHousekeeping > HOUSEKEEPING_EVERY_MS) {
      this.#lastHousekeeping = Date.now();
      await this.#housekeeping();
    }
  }

  /** Runs whose lease ran out (their worker died) or whose job never came: handed to a new job. */
  async #resumeInterrupted(): Promise<void> {
    const { db, jobs } = this.#d;
    const now = iso();
    const stale = await db
      .selectFrom('sync_job_runs')
      .select(['id', 'lease_until'])
      .where('status', 'in', ['pending', 'running'])
      .where('lease_until', '<', now)
      .limit(SWEEP_BATCH)
      .execute();
    let resumed = 0;
    for (const run of stale) {
      const jobId = randomUUID();
      const moved = await db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('sync_job_runs')
          .set({
            job_id: jobId,
            lease_owner: null,
            lease_until: iso(Date.now() + HANDOVER_GRACE_MS),
            updated_at: iso(),
          })
          .where('id', '=', run.id)
          .where('status', 'in', ['pending', 'running'])
          .where('lease_until', '=', run.lease_until)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false; // claimed meanwhile
        await jobs.enqueue<SyncJob>(SYNC_QUEUE, { runId: run.id }, { id: jobId, db: trx });
        return true;
      });
      if (moved) resumed++;
    }
    if (resumed > 0) {
      this.#logger?.info({ resumed }, 'resuming interrupted sync runs');
      jobs.wake(SYNC_QUEUE);
    }
  }

  async #startDue(): Promise<void> {
    const { db } = this.#d;
    const byDefault = this.#d.settings.defaultIntervalSeconds > 0;
    const candidates = await db
      .selectFrom('integrated_accounts as a')
      .leftJoin('sync_settings as s', 's.integrated_account_id', 'a.id')
      .select(['a.id', 'a.environment_id', 's.interval_seconds', 's.resources'])
      .where('a.status', '=', 'active')
      .where((eb) =>
        byDefault
          ? eb.or([eb('s.interval_seconds', 'is', null), eb('s.interval_seconds', '>', 0)])
          : eb('s.interval_seconds', '>', 0),
      )
      .execute();
    const now = Date.now();
    for (let i = 0; i < candidates.length; i += SWEEP_BATCH) {
      const batch = candidates.slice(i, i + SWEEP_BATCH);
      const ids = batch.map((c) => c.id);
      const [latest, active] = await Promise.all([
        db
          .selectFrom('sync_job_runs')
          .select(['integrated_account_id', (eb) => eb.fn.max('created_at').as('last')])
          .where('integrated_account_id', 'in', ids)
          .groupBy('integrated_account_id')
          .execute(),
        db
          .selectFrom('sync_job_runs')
          .select('integrated_account_id')
          .where('integrated_account_id', 'in', ids)
          .where('status', 'in', ['pending', 'running'])
          .execute(),
      ]);
      const lastOf = new Map(latest.map((l) => [l.integrated_account_id, String(l.last)]));
      const busy = new Set(active.map((a) => a.integrated_account_id));
      for (const account of batch) {
        const interval = this.#interval(account);
        if (interval <= 0 || busy.has(account.id)) continue;
        const last = lastOf.get(account.id);
        if (last && Date.parse(last) + interval * 1000 > now) continue;
        try {
          await this.createRun(
            account.environment_id,
            {
              integrated_account_id: account.id,
              resources: account.resources ? JSON.parse(account.resources) : undefined,
            },
            'schedule',
          );
        } catch (error) {
          // 409: a run started meanwhile; anything else is logged and tried again at the next sweep.
          if (!(error instanceof SwitchboardError && error.code === 'CONFLICT')) {
            this.#logger?.warn({ err: error, account: account.id }, 'could not start a scheduled sync');
          }
        }
      }
    }
  }

  /** Drops old finished runs, and the sync data of accounts that were deleted. */
  async #housekeeping(): Promise<void> {
    const { db } = this.#d;
    await db
      .deleteFrom('sync_job_runs')
      .where('status', 'in', ['completed', 'failed'])
      .where('finished_at', '<', iso(Date.now() - RUN_RETENTION_MS))
      .execute();
    const orphans = await sql<{ id: string }>`
      select integrated_account_id as id from sync_states
      where integrated_account_id not in (select id from integrated_accounts)
      union
      select integrated_account_id as id from sync_settings
      where integrated_account_id not in (select id from integrated_accounts)
      union
      select integrated_account_id as id from sync_job_runs
      where integrated_account_id not in (select id from integrated_accounts)`.execute(db);
    for (const { id } of orphans.rows) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('sync_records').where('integrated_account_id', '=', id).execute();
        await trx.deleteFrom('sync_states').where('integrated_account_id', '=', id).execute();
        await trx.deleteFrom('sync_settings').where('integrated_account_id', '=', id).execute();
        await trx
          .deleteFrom('sync_job_runs')
          .where('integrated_account_id', '=', id)
          .where('status', 'in', ['completed', 'failed'])
          .execute();
      });
    }
  }
}

function alreadyRunning(run: SyncJobRunTable): SwitchboardError {
  return new SwitchboardError(
    'CONFLICT',
    `integrated account ${run.integrated_account_id} already has a ${run.status} sync run (${run.id})`,
    { details: { sync_job_run: runToJson(run) } },
  );
}
