/**
 * The embedded job store: the `jobs` table of the Switchboard database, claimed with a lease. An UPDATE …
 * RETURNING claims atomically (SQLite has one writer; the repeated conditions in the outer WHERE keep it
 * safe on PostgreSQL too). Done jobs are deleted; failed ones are kept a week for inspection.
 */
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import type { JobTable } from '../store/schema.ts';
import type { ClaimedJob, JobBackend, NewJob, QueueDefinition } from './backend.ts';

const FAILED_RETENTION_MS = 7 * 24 * 3_600_000;
const INSERT_CHUNK = 200;

export class EmbeddedJobBackend implements JobBackend {
  readonly kind = 'embedded' as const;
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async prepareQueue(): Promise<void> {}

  async insert(db: Db, queue: QueueDefinition, jobs: NewJob[]): Promise<string[]> {
    const now = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < jobs.length; i += INSERT_CHUNK) {
      const rows: JobTable[] = jobs.slice(i, i + INSERT_CHUNK).map((job) => ({
        id: job.id,
        queue: queue.name,
        data: JSON.stringify(job.data ?? null),
        state: 'created',
        singleton_key: queue.singleton ? (job.singletonKey ?? null) : null,
        run_at: (job.runAt ?? new Date()).toISOString(),
        lease_until: null,
        attempts: 0,
        last_error: null,
        created_at: now,
        updated_at: now,
      }));
      const inserted = await db
        .insertInto('jobs')
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .execute();
      ids.push(...inserted.map((r) => r.id));
    }
    return ids;
  }

  async claim(queue: QueueDefinition, limit: number): Promise<ClaimedJob[]> {
    const now = new Date().toISOString();
    const leaseUntil = new Date(Date.now() + queue.leaseSeconds * 1000).toISOString();
    const claimable = sql<boolean>`(state in ('created', 'retry') and run_at <= ${now}) or (state = 'active' and lease_until <= ${now})`;
    const { rows } = await sql<JobTable>`
      update jobs set state = 'active', attempts = attempts + 1, lease_until = ${leaseUntil}, updated_at = ${now}
      where queue = ${queue.name} and (${claimable}) and id in (
        select id from jobs where queue = ${queue.name} and (${claimable}) order by run_at, id limit ${limit}
      )
      returning *`.execute(this.#db);
    const claimed: ClaimedJob[] = [];
    for (const row of rows) {
      // A job whose lease keeps expiring (it crashes the process, or outlives its lease) stops somewhere.
      if (row.attempts > queue.retryLimit + 1) {
        await this.#settle(row.id, row.attempts, {
          state: 'failed',
          last_error:
            row.last_error ?? 'the job was claimed too many times without finishing (lease expired)',
        });
        continue;
      }
      claimed.push({ id: row.id, data: JSON.parse(row.data), attempt: row.attempts });
    }
    return claimed;
  }

  async complete(_queue: QueueDefinition, job: ClaimedJob): Promise<void> {
    await this.#db
      .deleteFrom('jobs')
      .where('id', '=', job.id)
      .where('state', '=', 'active')
      .where('attempts', '=', job.attempt)
      .execute();
  }

  async fail(queue: QueueDefinition, job: ClaimedJob, error: Error): Promise<void> {
    const message = error.message.slice(0, 2000);
    if (job.attempt > queue.retryLimit) {
      await this.#settle(job.id, job.attempt, { state: 'failed', last_error: message });
      return;
    }
    const delayMs = queue.retryDelaySeconds * 1000 * 2 ** (job.attempt - 1) * (0.75 + Math.random() / 2);
    await this.#settle(job.id, job.attempt, {
      state: 'retry',
      run_at: new Date(Date.now() + delayMs).toISOString(),
      last_error: message,
    });
  }

  async release(_queue: QueueDefinition, job: ClaimedJob): Promise<void> {
    // Not the job's fault: the run does not count against its retries.
    await this.#settle(job.id, job.attempt, {
      state: 'retry',
      run_at: new Date().toISOString(),
      attempts: job.attempt - 1,
    });
  }

  async housekeeping(): Promise<void> {
    await this.#db
      .deleteFrom('jobs')
      .where('state', '=', 'failed')
      .where('updated_at', '<', new Date(Date.now() - FAILED_RETENTION_MS).toISOString())
      .execute();
  }

  /** Updates a job only if this claim still owns it (same attempt, still active). */
  async #settle(id: string, attempt: number, changes: Partial<JobTable>): Promise<void> {
    await this.#db
      .updateTable('jobs')
      .set({ lease_until: null, ...changes, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('state', '=', 'active')
      .where('attempts', '=', attempt)
      .execute();
  }
}
