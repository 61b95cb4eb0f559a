/**
 * The job runner: durable background jobs with the same contract on both databases.
 *
 * - PostgreSQL: jobs live in pg-boss (its own schema, see `jobsSchemaFor`), so any number of instances can
 *   share the work and a job is only ever claimed by one of them at a time (`FOR UPDATE SKIP LOCKED`).
 * - SQLite (embedded): jobs live in the `jobs` table and are claimed with a lease by an in-process runner.
 *
 * The contract, whichever backend runs it:
 * - `define(queue, handler, options)` once per queue at start-up, on every instance (before `enqueue`).
 * - `enqueue` is durable once it returns (or once the caller's transaction commits when `db` is a
 *   transaction: the job and the caller's rows are written atomically).
 * - A claimed job holds a lease of `leaseSeconds`. If the handler throws, the job is retried up to
 *   `retryLimit` times with exponential backoff from `retryDelaySeconds`, then kept as failed. If the process
 *   dies (or the lease runs out), the job is claimed again after the lease expires (on PostgreSQL, at the next
 *   maintenance pass, within `SWITCHBOARD_JOBS_MAINTENANCE_SECONDS`). Handlers are therefore at-least-once
 *   and must be idempotent; `job.attempt` says which run this is.
 * - `job.signal` is aborted when the lease expires or the runner stops. A handler that is aborted should stop
 *   promptly; whatever it returns, an aborted job runs again later (it is not marked done).
 * - `singleton: true` on a queue: while a job with a given `singletonKey` is waiting to start, enqueueing
 *   another with the same key is a no-op (returns null). It does not stop two jobs with one key from running
 *   at the same time (one may start while another runs): a handler that needs mutual exclusion claims it in
 *   its own table (the webhook delivery handler does, with `webhook_deliveries.job_id`).
 * - `schedule(key, queue, data, { everySeconds })` creates or updates a recurring job; whichever instance
 *   sees it due enqueues it (exactly once per period, with the schedule's `singletonKey`).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

export interface JobContext<T> {
  id: string;
  queue: string;
  data: T;
  /** 1 on the first run; 2, 3… when the job runs again (after an error, an expired lease or a shutdown). */
  attempt: number;
  /** Aborted when the lease expires or the runner stops. */
  signal: AbortSignal;
}

export type JobHandler<T> = (job: JobContext<T>) => Promise<void>;

export interface QueueOptions {
  /** Jobs of this queue run at the same time on one instance (default 1). */
  concurrency?: number;
  /** How long a claimed job may run before it is considered lost and claimed again (default 300). */
  leaseSeconds?: number;
  /** Retries after the handler throws (default 3). */
  retryLimit?: number;
  /** First retry delay; doubled at each retry, with jitter (default 10). */
  retryDelaySeconds?: number;
  /** Deduplicate waiting jobs by `singletonKey` (see the contract above). */
  singleton?: boolean;
}

export interface EnqueueOptions {
  /** A UUID chosen by the caller (to store it beside the job before the job exists); default random. */
  id?: string;
  /** Not before this time (default now). */
  runAt?: Date;
  singletonKey?: string;
  /** A Kysely transaction to write the job in (atomic with the caller's rows); default the database. */
  db?: Kysely<Database>;
}

export interface JobInput<T> {
  data: T;
  id?: string;
  runAt?: Date;
}

export interface ScheduleOptions {
  everySeconds: number;
  singletonKey?: string;
  /** When the first run is due (default now + everySeconds). On an update, when the next one is due. */
  firstRunAt?: Date;
}

export interface JobRunner {
  /** `pg-boss` on PostgreSQL, `embedded` on SQLite. */
  readonly kind: 'pg-boss' | 'embedded';
  define<T>(queue: string, handler: JobHandler<T>, options?: QueueOptions): void;
  /** The job's id, or null when a waiting job with the same singleton key already exists. */
  enqueue<T>(queue: string, data: T, options?: EnqueueOptions): Promise<string | null>;
  /** Many jobs of one queue in one write (no singleton keys). Returns their ids. */
  enqueueMany<T>(queue: string, jobs: JobInput<T>[], options?: { db?: Kysely<Database> }): Promise<string[]>;
  /** Creates or updates a recurring job identified by `key`. */
  schedule<T>(key: string, queue: string, data: T, options: ScheduleOptions): Promise<void>;
  /** Removes a recurring job; true if it existed. Jobs already enqueued still run. */
  unschedule(key: string): Promise<boolean>;
  /** Tells this instance's workers of `queue` to look for jobs now (after committing a transaction). */
  wake(queue: string): void;
  start(logger: JobLogger): Promise<void>;
  /** Stops claiming jobs, lets running ones finish for a grace period, then aborts and releases them. */
  stop(): Promise<void>;
}

/** The slice of a pino logger the runner uses. */
export interface JobLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The pg-boss schema for a Switchboard schema: `pgboss` beside `public`, else `<schema>_pgboss`. */
export function jobsSchemaFor(databaseSchema: string): string {
  return databaseSchema === 'public' ? 'pgboss' : `${databaseSchema}_pgboss`;
}
