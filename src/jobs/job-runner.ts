/**
 * The runner shared by both job stores: one claiming loop per defined queue (up to `concurrency` jobs in
 * flight), a lease timer per job that aborts its handler, the schedule ticker, and graceful shutdown.
 * See `runner.ts` for the contract.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../store/database.ts';
import type { Database } from '../store/schema.ts';
import type { ClaimedJob, JobBackend, NewJob, QueueDefinition } from './backend.ts';
import { EmbeddedJobBackend } from './embedded.ts';
import { PgBossJobBackend } from './pg-boss.ts';
import type {
  EnqueueOptions,
  JobHandler,
  JobInput,
  JobLogger,
  JobRunner,
  QueueOptions,
  ScheduleOptions,
} from './runner.ts';
import { jobsSchemaFor } from './runner.ts';

const STOP_GRACE_MS = 5_000;
const ABORT_GRACE_MS = 2_000;
const HOUSEKEEPING_EVERY_MS = 60_000;
const SCHEDULE_BATCH = 50;

export interface JobRunnerOptions {
  db: Db;
  dbKind: 'sqlite' | 'postgres';
  databaseUrl: string | undefined;
  databaseSchema: string;
  pollMs: number;
  maintenanceSeconds: number;
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  let logger: JobLogger | undefined;
  const backend: JobBackend =
    options.dbKind === 'postgres' && options.databaseUrl
      ? new PgBossJobBackend({
          connectionString: options.databaseUrl,
          schema: jobsSchemaFor(options.databaseSchema),
          maintenanceSeconds: options.maintenanceSeconds,
          logger: () => logger,
        })
      : new EmbeddedJobBackend(options.db);
  return new Runner(backend, options.db, options.pollMs, (l) => {
    logger = l;
  });
}

interface Queue {
  definition: QueueDefinition;
  handler: JobHandler<unknown>;
  ready: Promise<void> | undefined;
  worker: QueueWorker | undefined;
}

class Runner implements JobRunner {
  readonly kind: 'pg-boss' | 'embedded';
  readonly #backend: JobBackend;
  readonly #db: Db;
  readonly #pollMs: number;
  readonly #setLogger: (logger: JobLogger) => void;
  readonly #queues = new Map<string, Queue>();
  #logger: JobLogger | undefined;
  #state: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  #ticker: NodeJS.Timeout | undefined;
  #ticking = false;
  #lastHousekeeping = 0;
  #preparing: Promise<void> = Promise.resolve();
  #starting: Promise<void> = Promise.resolve();

  constructor(backend: JobBackend, db: Db, pollMs: number, setLogger: (logger: JobLogger) => void) {
    this.kind = backend.kind;
    this.#backend = backend;
    this.#db = db;
    this.#pollMs = pollMs;
    this.#setLogger = setLogger;
  }

  define<T>(name: string, handler: JobHandler<T>, options: QueueOptions = {}): void {
    if (this.#queues.has(name)) throw new Error(`job queue "${name}" is already defined`);
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)) {
      throw new Error(`job queue name "${name}": use lower-case letters, digits, ".", "_" and "-"`);
    }
    const queue: Queue = {
      definition: {
        name,
        concurrency: options.concurrency ?? 1,
        leaseSeconds: options.leaseSeconds ?? 300,
        retryLimit: options.retryLimit ?? 3,
        retryDelaySeconds: options.retryDelaySeconds ?? 10,
        singleton: options.singleton ?? false,
      },
      handler: handler as JobHandler<unknown>,
      ready: undefined,
      worker: undefined,
    };
    this.#queues.set(name, queue);
    if (this.#state === 'running') this.#activate(queue);
  }

  async enqueue<T>(queue: string, data: T, options: EnqueueOptions = {}): Promise<string | null> {
    const job: NewJob = {
      id: options.id ?? randomUUID(),
      data,
      runAt: options.runAt,
      singletonKey: options.singletonKey,
    };
    const [id] = await this.#insert(queue, [job], options.db);
    return id ?? null;
  }

  async enqueueMany<T>(queue: string, jobs: JobInput<T>[], options: { db?: Kysely<Database> } = {}) {
    if (jobs.length === 0) return [];
    const rows: NewJob[] = jobs.map((job) => ({
      id: job.id ?? randomUUID(),
      data: job.data,
      runAt: job.runAt,
      singletonKey: undefined,
    }));
    return this.#insert(queue, rows, options.db);
  }

  async #insert(name: string, jobs: NewJob[], db: Kysely<Database> | undefined): Promise<string[]> {
    const queue = this.#queue(name);
    await this.#ready(queue);
    const ids = await this.#backend.insert(db ?? this.#db, queue.definition, jobs);
    // Inside a caller's transaction the jobs are not visible yet: the caller wakes the queue after commit.
    if (!db) this.wake(name);
    return ids;
  }

  async schedule<T>(key: string, queue: string, data: T, options: ScheduleOptions): Promise<void> {
    this.#queue(queue);
    if (!Number.isInteger(options.everySeconds) || options.everySeconds < 1) {
      throw new Error('a schedule needs everySeconds ≥ 1');
    }
    const now = new Date();
    const every = options.everySeconds * 1000;
    await this.#db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('job_schedules')
        .select('next_run_at')
        .where('key', '=', key)
        .executeTakeFirst();
      const soonest = new Date(now.getTime() + every).toISOString();
      const nextRunAt =
        options.firstRunAt?.toISOString() ??
        (existing && existing.next_run_at < soonest ? existing.next_run_at : soonest);
      const row = {
        queue,
        data: JSON.stringify(data ?? null),
        every_seconds: options.everySeconds,
        singleton_key: options.singletonKey ?? null,
        next_run_at: nextRunAt,
        updated_at: now.toISOString(),
      };
      if (existing) await trx.updateTable('job_schedules').set(row).where('key', '=', key).execute();
      else
        await trx
          .insertInto('job_schedules')
          .values({ key, ...row, created_at: now.toISOString() })
          .execute();
    });
  }

  async unschedule(key: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('job_schedules').where('key', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  wake(queue: string): void {
    this.#queues.get(queue)?.worker?.wake();
  }

  async start(logger: JobLogger): Promise<void> {
    if (this.#state !== 'new') throw new Error('the job runner was already started');
    this.#state = 'starting';
    this.#logger = logger;
    this.#setLogger(logger);
    this.#starting = (async () => {
      await this.#backend.start();
      this.#state = 'running';
      for (const queue of this.#queues.values()) this.#activate(queue);
      await Promise.all([...this.#queues.values()].map((q) => q.ready));
    })();
    await this.#starting;
    this.#ticker = setInterval(() => void this.#tick(), Math.max(this.#pollMs, 250));
    this.#ticker.unref();
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    const wasRunning = this.#state === 'running';
    this.#state = 'stopped';
    clearInterval(this.#ticker);
    const workers = [...this.#queues.values()].flatMap((q) => (q.worker ? [q.worker] : []));
    await Promise.all(workers.map((w) => w.stop()));
    while (this.#ticking) await sleep(20);
    if (wasRunning) await this.#backend.stop();
  }

  #queue(name: string): Queue {
    const queue = this.#queues.get(name);
    if (!queue) throw new Error(`job queue "${name}" is not defined (call define() first)`);
    return queue;
  }

  /** Resolves once the queue exists in the store (pg-boss needs it before the first insert). */
  async #ready(queue: Queue): Promise<void> {
    if (this.#state === 'starting') await this.#starting;
    if (this.#state === 'running') return queue.ready;
    if (this.#state === 'stopped') throw new Error('the job runner is stopped');
    // Before start: enqueueing is allowed on the embedded store only (pg-boss is not connected yet).
    if (this.#backend.kind !== 'embedded') throw new Error('start the job runner before enqueueing jobs');
  }

  #activate(queue: Queue): void {
    // One queue at a time: pg-boss's queue creation is DDL that deadlocks when run concurrently.
    queue.ready = this.#preparing.then(() => this.#backend.prepareQueue(queue.definition));
    this.#preparing = queue.ready.catch(() => {});
    queue.ready.then(
      () => {
        if (this.#state !== 'running') return;
        queue.worker = new QueueWorker(queue, this.#backend, this.#pollMs, () => this.#logger);
        queue.worker.start();
      },
      (error) =>
        this.#logger?.error({ err: error, queue: queue.definition.name }, 'could not prepare job queue'),
    );
  }

  /** Enqueues due schedules (each claimed by one instance) and runs periodic housekeeping. */
  async #tick(): Promise<void> {
    if (this.#ticking || this.#state !== 'running') return;
    this.#ticking = true;
    try {
      const now = new Date();
      const due = await this.#db
        .selectFrom('job_schedules')
        .selectAll()
        .where('next_run_at', '<=', now.toISOString())
        .orderBy('next_run_at')
        .limit(SCHEDULE_BATCH)
        .execute();
      for (const schedule of due) {
        if (this.#state !== 'running') break;
        const queue = this.#queues.get(schedule.queue);
        if (!queue) continue; // defined by a newer version on another instance
        await queue.ready;
        const claimed = await this.#db.transaction().execute(async (trx) => {
          const moved = await trx
            .updateTable('job_schedules')
            .set({
              next_run_at: new Date(now.getTime() + schedule.every_seconds * 1000).toISOString(),
              updated_at: now.toISOString(),
            })
            .where('key', '=', schedule.key)
            .where('next_run_at', '=', schedule.next_run_at)
            .executeTakeFirst();
          if (Number(moved.numUpdatedRows) === 0) return false; // another instance took this period
          await this.#backend.insert(trx, queue.definition, [
            {
              id: randomUUID(),
              data: JSON.parse(schedule.data),
              runAt: undefined,
              singletonKey: schedule.singleton_key ?? undefined,
            },
          ]);
          return true;
        });
        if (claimed) this.wake(schedule.queue);
      }
      if (Date.now() - this.#lastHousekeeping > HOUSEKEEPING_EVERY_MS) {
        this.#lastHousekeeping = Date.now();
        await this.#backend.housekeeping();
      }
    } catch (error) {
      this.#logger?.warn({ err: error }, 'job schedule tick failed');
    } finally {
      this.#ticking = false;
    }
  }
}

interface Running {
  job: ClaimedJob;
  controller: AbortController;
  done: Promise<void>;
}

/** Claims and runs one queue's jobs on this instance. */
class QueueWorker {
  readonly #queue: Queue;
  readonly #backend: JobBackend;
  readonly #pollMs: number;
  readonly #logger: () => JobLogger | undefined;
  readonly #running = new Set<Running>();
  #stopping = false;
  #wakeUp: (() => void) | undefined;
  #woken = false;
  #loop: Promise<void> | undefined;

  constructor(queue: Queue, backend: JobBackend, pollMs: number, logger: () => JobLogger | undefined) {
    this.#queue = queue;
    this.#backend = backend;
    this.#pollMs = pollMs;
    this.#logger = logger;
  }

  start(): void {
    this.#loop = this.#run();
  }

  wake(): void {
    this.#woken = true;
    this.#wakeUp?.();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.wake();
    await this.#loop;
    const deadline = Date.now() + STOP_GRACE_MS;
    while (this.#running.size > 0 && Date.now() < deadline) await this.#idle(deadline - Date.now());
    for (const run of this.#running) run.controller.abort(new Error('the job runner is stopping'));
    await Promise.race([Promise.allSettled([...this.#running].map((r) => r.done)), sleep(ABORT_GRACE_MS)]);
  }

  async #run(): Promise<void> {
    const { definition } = this.#queue;
    while (!this.#stopping) {
      this.#woken = false;
      const free = definition.concurrency - this.#running.size;
      let claimed: ClaimedJob[] = [];
      if (free > 0) {
        try {
          claimed = await this.#backend.claim(definition, free);
        } catch (error) {
          this.#logger()?.warn({ err: error, queue: definition.name }, 'could not claim jobs');
        }
        if (this.#stopping) {
          for (const job of claimed) await this.#settle(() => this.#backend.release(definition, job));
          break;
        }
        for (const job of claimed) this.#execute(job);
      }
      // A full batch may mean more jobs are due: look again at once (when a slot is free).
      const more = claimed.length > 0 && claimed.length === free;
      if (this.#woken || (more && this.#running.size < definition.concurrency)) continue;
      await this.#idle(this.#pollMs);
    }
  }

  /** Waits for a wake-up, a finished job, or the timeout. */
  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#woken = false;
        if (self.#wakeUp === done) self.#wakeUp = undefined;
        resolve();
      }
      this.#wakeUp = done;
      if (this.#woken) done();
    });
  }

  #execute(job: ClaimedJob): void {
    const { definition, handler } = this.#queue;
    const controller = new AbortController();
    let expired = false;
    const lease = setTimeout(() => {
      expired = true;
      controller.abort(new Error(`the job outlived its ${definition.leaseSeconds}s lease`));
    }, definition.leaseSeconds * 1000);
    const run: Running = { job, controller, done: Promise.resolve() };
    run.done = (async () => {
      try {
        await handler({
          id: job.id,
          queue: definition.name,
          data: job.data,
          attempt: job.attempt,
          signal: controller.signal,
        });
        // An aborted job is not done, whatever the handler returned: it runs again (at-least-once).
        if (expired) return;
        if (controller.signal.aborted) await this.#settle(() => this.#backend.release(definition, job));
        else await this.#settle(() => this.#backend.complete(definition, job));
      } catch (error) {
        if (expired) {
          this.#logger()?.warn(
            { queue: definition.name, job: job.id },
            'job lease expired before it finished',
          );
          return;
        }
        if (controller.signal.aborted) {
          await this.#settle(() => this.#backend.release(definition, job));
          return;
        }
        const err = error instanceof Error ? error : new Error(String(error));
        this.#logger()?.warn(
          { err, queue: definition.name, job: job.id, attempt: job.attempt },
          'job failed; it will be retried unless its retries are spent',
        );
        await this.#settle(() => this.#backend.fail(definition, job, err));
      } finally {
        clearTimeout(lease);
        this.#running.delete(run);
        this.wake();
      }
    })();
    this.#running.add(run);
  }

  async #settle(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      // The lease will expire and the job will run again: at-least-once holds.
      this.#logger()?.warn(
        { err: error, queue: this.#queue.definition.name },
        'could not record a job result',
      );
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
