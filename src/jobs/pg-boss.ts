/**
 * The PostgreSQL job store: pg-boss in its own schema. Claims use `FOR UPDATE SKIP LOCKED`, so several
 * Switchboard instances never run one job at the same time. Jobs are written through the caller's Kysely
 * connection when it passes a transaction, so a job and the rows it refers to commit together. pg-boss's
 * maintenance (one instance at a time) turns expired leases into retries and archives old jobs.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database } from '../store/schema.ts';
import type { ClaimedJob, JobBackend, NewJob, QueueDefinition } from './backend.ts';
import type { JobLogger } from './runner.ts';

export interface PgBossOptions {
  connectionString: string;
  schema: string;
  maintenanceSeconds: number;
  logger: () => JobLogger | undefined;
}

/** pg-boss's `db` option over a Kysely connection (or transaction). */
function through(db: Kysely<Database>): PgBoss.Db {
  return {
    executeSql: async (text, values) => {
      const result = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows as unknown[] as never[] };
    },
  };
}

export class PgBossJobBackend implements JobBackend {
  readonly kind = 'pg-boss' as const;
  readonly #boss: PgBoss;

  constructor(options: PgBossOptions) {
    this.#boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema,
      application_name: 'switchboard-jobs',
      max: 4,
      // Recurring jobs use Switchboard's own `job_schedules` (several per queue, both databases).
      schedule: false,
      supervise: true,
      migrate: true,
      maintenanceIntervalSeconds: options.maintenanceSeconds,
      // Completed jobs are archived after an hour and dropped after a week.
      archiveCompletedAfterSeconds: 3600,
      deleteAfterDays: 7,
    });
    this.#boss.on('error', (error) => options.logger()?.error({ err: error }, 'job queue error'));
  }

  async start(): Promise<void> {
    await this.#boss.start();
  }

  async stop(): Promise<void> {
    await this.#boss.stop({ graceful: false, close: true, wait: true });
  }

  async prepareQueue(queue: QueueDefinition): Promise<void> {
    const settings: PgBoss.Queue = {
      name: queue.name,
      policy: queue.singleton ? 'short' : 'standard',
      retryLimit: queue.retryLimit,
      retryDelay: queue.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: queue.leaseSeconds,
    };
    // Creating a queue adds a partition to pg-boss's job table; instances starting together can deadlock
    // on that DDL, so a failed attempt is retried (the loser then finds the queue and updates it).
    for (let attempt = 1; ; attempt++) {
      try {
        if (await this.#boss.getQueue(queue.name)) await this.#boss.updateQueue(queue.name, settings);
        else await this.#boss.createQueue(queue.name, settings);
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
      }
    }
  }

  async insert(db: Kysely<Database>, queue: QueueDefinition, jobs: NewJob[]): Promise<string[]> {
    if (jobs.length === 1 || queue.singleton) {
      const ids: string[] = [];
      for (const job of jobs) {
        const id = await this.#boss.send(queue.name, (job.data ?? {}) as object, {
          id: job.id,
          startAfter: job.runAt?.toISOString(),
          singletonKey: queue.singleton ? job.singletonKey : undefined,
          db: through(db),
        });
        if (id) ids.push(id);
      }
      return ids;
    }
    await this.#boss.insert(
      jobs.map((job) => ({
        id: job.id,
        name: queue.name,
        data: (job.data ?? {}) as object,
        startAfter: job.runAt?.toISOString(),
      })),
      { db: through(db) },
    );
    return jobs.map((job) => job.id);
  }

  async claim(queue: QueueDefinition, limit: number): Promise<ClaimedJob[]> {
    const jobs = await this.#boss.fetch<unknown>(queue.name, { batchSize: limit, includeMetadata: true });
    return jobs.map((job) => ({ id: job.id, data: job.data, attempt: job.retryCount + 1 }));
  }

  async complete(queue: QueueDefinition, job: ClaimedJob): Promise<void> {
    await this.#boss.complete(queue.name, job.id);
  }

  async fail(queue: QueueDefinition, job: ClaimedJob, error: Error): Promise<void> {
    await this.#boss.fail(queue.name, job.id, { message: error.message.slice(0, 2000) });
  }

  async release(queue: QueueDefinition, job: ClaimedJob): Promise<void> {
    await this.#boss.fail(queue.name, job.id, { message: 'released: the instance running it stopped' });
  }

  async housekeeping(): Promise<void> {}
}
