/**
 * What a job store must do for the runner (`runner-impl.ts`): the embedded store (`embedded.ts`, SQLite table)
 * and pg-boss (`pg-boss.ts`) implement it; the claiming loop, leases, aborts and schedules are shared.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

export interface QueueDefinition {
  name: string;
  concurrency: number;
  leaseSeconds: number;
  retryLimit: number;
  retryDelaySeconds: number;
  singleton: boolean;
}

export interface ClaimedJob {
  id: string;
  data: unknown;
  attempt: number;
}

export interface NewJob {
  id: string;
  data: unknown;
  runAt: Date | undefined;
  singletonKey: string | undefined;
}

export interface JobBackend {
  readonly kind: 'pg-boss' | 'embedded';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Creates or updates the queue's stored settings (pg-boss); idempotent. */
  prepareQueue(queue: QueueDefinition): Promise<void>;
  /** Inserts jobs; returns the ids actually inserted (a waiting singleton duplicate is skipped). */
  insert(db: Kysely<Database>, queue: QueueDefinition, jobs: NewJob[]): Promise<string[]>;
  /** Claims up to `limit` due jobs (including jobs whose lease expired, on the embedded store). */
  claim(queue: QueueDefinition, limit: number): Promise<ClaimedJob[]>;
  complete(queue: QueueDefinition, job: ClaimedJob): Promise<void>;
  /** The handler threw: retry with backoff, or keep as failed once the retries are spent. */
  fail(queue: QueueDefinition, job: ClaimedJob, error: Error): Promise<void>;
  /** Shutdown: give the job back so another run (or instance) picks it up soon. */
  release(queue: QueueDefinition, job: ClaimedJob): Promise<void>;
  /** Periodic clean-up (old failed jobs); called about once a minute. */
  housekeeping(): Promise<void>;
}
