/**
 * The delivery worker: the handler of the `webhook-delivery` job queue, plus a maintenance job.
 *
 * Each pending delivery row names the one job allowed to attempt it (`job_id`). A job whose delivery is done,
 * deleted or owned by another job does nothing, so duplicates (a redelivery, a job run again after a crash)
 * are harmless. An attempt POSTs the signed body; a 2xx marks the delivery delivered; anything else (status,
 * timeout, refused connection, refused target) records the attempt and, in one transaction, moves the
 * delivery to its next retry time and enqueues the job for it, until the schedule is spent (then `failed`).
 * If the process dies mid-attempt, nothing is recorded and the job runs again once its lease expires: the
 * receiver may see the event twice (same id), never zero times.
 *
 * The maintenance job (every minute, one instance) re-queues pending deliveries whose job went missing
 * (e.g. its retries were spent on internal errors) and prunes finished deliveries after 30 days.
 */
import { randomUUID } from 'node:crypto';
import { Counter, Histogram, type Registry } from 'prom-client';
import { request } from 'undici';
import type { Keyring, SealedValue } from '../crypto/keyring.ts';
import type { JobContext, JobRunner } from '../jobs/runner.ts';
import type { Db } from '../store/database.ts';
import { TEST_EVENT } from './catalogue.ts';
import { DELIVERY_QUEUE, type DeliveryJob } from './events.ts';
import { signatureHeaders } from './signing.ts';
import { deliveryDispatcher } from './target-guard.ts';

export const MAINTENANCE_QUEUE = 'webhook-maintenance';
const MAINTENANCE_SCHEDULE_KEY = 'webhooks:maintenance';
const RESPONSE_EXCERPT_BYTES = 1024;
const RETENTION_MS = 30 * 24 * 3_600_000;
/** A job may start a little before the delivery's time (clocks of instances and database differ). */
const EARLY_TOLERANCE_MS = 5_000;

export interface DeliveryWorkerOptions {
  db: Db;
  keyring: Keyring;
  jobs: JobRunner;
  metrics: Registry;
  allowedTargets: readonly string[];
  retryScheduleMs: readonly number[];
  timeoutMs: number;
}

interface Outcome {
  ok: boolean;
  status: number | null;
  body: string | null;
  error: string | null;
  durationMs: number;
}

/** How long one attempt may hold its job before it is presumed lost: two timeouts and a margin. */
export function deliveryLeaseSeconds(timeoutMs: number): number {
  return Math.ceil((2 * timeoutMs) / 1000) + 2;
}

/** The delay before retry number `retry` (1-based), with ±20 % jitter so retries of a burst spread out. */
export function retryDelayMs(schedule: readonly number[], retry: number): number | undefined {
  const base = schedule[retry - 1];
  return base === undefined ? undefined : Math.round(base * (0.8 + Math.random() * 0.4));
}

/** The delivery body: built from stored values, byte-identical on every attempt. */
export function deliveryBody(d: {
  event_id: string;
  event_type: string;
  payload: string;
  environment_id: string;
  webhook_id: string;
  event_created_at: string;
}): string {
  return (
    `{"id":${JSON.stringify(d.event_id)},"event":${JSON.stringify(d.event_type)},"payload":${d.payload},` +
    `"environment_id":${JSON.stringify(d.environment_id)},"webhook_id":${JSON.stringify(d.webhook_id)},` +
    `"created_at":${JSON.stringify(d.event_created_at)}}`
  );
}

export class DeliveryWorker {
  readonly #o: DeliveryWorkerOptions;
  readonly #leaseMs: number;
  readonly #attempts: Counter<'outcome'>;
  readonly #duration: Histogram;

  constructor(options: DeliveryWorkerOptions) {
    this.#o = options;
    this.#leaseMs = deliveryLeaseSeconds(options.timeoutMs) * 1000;
    this.#attempts = new Counter({
      name: 'switchboard_webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts by outcome (delivered, retry, failed)',
      labelNames: ['outcome'],
      registers: [options.metrics],
    });
    this.#duration = new Histogram({
      name: 'switchboard_webhook_delivery_duration_seconds',
      help: 'Time a receiver took to answer a webhook delivery',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [options.metrics],
    });
  }

  get leaseMs(): number {
    return this.#leaseMs;
  }

  /** Defines the queues and the maintenance schedule (call before `jobs.start`). */
  register(): void {
    const { jobs } = this.#o;
    jobs.define<DeliveryJob>(DELIVERY_QUEUE, (job) => this.deliver(job), {
      concurrency: 10,
      leaseSeconds: this.#leaseMs / 1000,
      // Retries here are for internal errors and lost leases (the receiver's failures are rescheduled by the
      // handler itself): start soon, back off to minutes; the maintenance job covers anything beyond.
      retryLimit: 10,
      retryDelaySeconds: 1,
    });
    jobs.define(MAINTENANCE_QUEUE, () => this.maintain(), {
      concurrency: 1,
      leaseSeconds: 300,
      retryLimit: 1,
      singleton: true,
    });
  }

  /** Schedules the maintenance job (once the runner is started). */
  async scheduleMaintenance(): Promise<void> {
    await this.#o.jobs.schedule(
      MAINTENANCE_SCHEDULE_KEY,
      MAINTENANCE_QUEUE,
      {},
      { everySeconds: 60, singletonKey: 'maintenance' },
    );
  }

  async deliver(job: JobContext<DeliveryJob>): Promise<void> {
    const { db } = this.#o;
    const row = await db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('events as e', 'e.id', 'd.event_id')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .select([
        'd.id',
        'd.status',
        'd.job_id',
        'd.attempts',
        'd.retry_count',
        'd.next_attempt_at',
        'd.event_id',
        'd.event_type',
        'd.environment_id',
        'd.webhook_id',
        'e.payload',
        'e.created_at as event_created_at',
        'w.target_url',
        'w.secret',
        'w.is_active',
      ])
      .where('d.id', '=', job.data.deliveryId)
      .executeTakeFirst();
    // Delivered, failed, re-queued under another job, or its webhook was deleted: nothing to do.
    if (row?.status !== 'pending' || row.job_id !== job.id) return;
    const due = row.next_attempt_at ? Date.parse(row.next_attempt_at) : 0;
    if (due > Date.now() + EARLY_TOLERANCE_MS) {
      await this.#requeue(row.id, job.id, new Date(due));
      return;
    }
    const now = new Date().toISOString();
    if (!row.is_active && row.event_type !== TEST_EVENT) {
      await db
        .updateTable('webhook_deliveries')
        .set({
          status: 'cancelled',
          next_attempt_at: null,
          job_id: null,
          last_error: 'the webhook was deactivated before this delivery was sent',
          updated_at: now,
        })
        .where('id', '=', row.id)
        .where('job_id', '=', job.id)
        .execute();
      return;
    }
    await db
      .updateTable('webhook_deliveries')
      .set({ attempt_started_at: now, updated_at: now })
      .where('id', '=', row.id)
      .where('job_id', '=', job.id)
      .execute();
    const secret = this.#o.keyring.open(JSON.parse(row.secret) as SealedValue);
    const outcome = await this.#send(row.target_url, secret, row.event_id, deliveryBody(row), job.signal);
    // Stopped or lease lost mid-attempt: record nothing; the job runs again and the attempt is repeated.
    if (job.signal.aborted) throw job.signal.reason ?? new Error('aborted');
    await this.#record(row, job.id, outcome);
  }

  async #send(target: string, secret: string, eventId: string, body: string, stop: AbortSignal) {
    const started = performance.now();
    const outcome = (o: Omit<Outcome, 'durationMs'>): Outcome => ({
      ...o,
      durationMs: Math.round(performance.now() - started),
    });
    const url = new URL(target);
    let dispatcher: ReturnType<typeof deliveryDispatcher>;
    try {
      dispatcher = deliveryDispatcher(url, this.#o.allowedTargets);
    } catch (error) {
      return outcome({ ok: false, status: null, body: null, error: (error as Error).message });
    }
    const timeout = AbortSignal.timeout(this.#o.timeoutMs);
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'switchboard',
          ...signatureHeaders(secret, eventId, body),
        },
        body,
        signal: AbortSignal.any([stop, timeout]),
        headersTimeout: this.#o.timeoutMs,
        bodyTimeout: this.#o.timeoutMs,
      });
      const excerpt = await readExcerpt(response.body);
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return outcome({
        ok,
        status: response.statusCode,
        body: excerpt,
        error: ok ? null : `the receiver answered ${response.statusCode}`,
      });
    } catch (error) {
      const message = timeout.aborted
        ? `no complete answer within ${this.#o.timeoutMs} ms`
        : describeNetworkError(error);
      return outcome({ ok: false, status: null, body: null, error: message });
    } finally {
      this.#duration.observe((performance.now() - started) / 1000);
    }
  }

  async #record(
    row: { id: string; attempts: number; retry_count: number },
    jobId: string,
    outcome: Outcome,
  ): Promise<void> {
    const now = new Date();
    const attempt = {
      attempts: row.attempts + 1,
      attempt_started_at: null,
      last_attempt_at: now.toISOString(),
      last_response_status: outcome.status,
      last_response_body: outcome.body,
      last_error: outcome.error,
      last_duration_ms: outcome.durationMs,
      updated_at: now.toISOString(),
    };
    const { db, jobs } = this.#o;
    if (outcome.ok) {
      this.#attempts.inc({ outcome: 'delivered' });
      await db
        .updateTable('webhook_deliveries')
        .set({
          ...attempt,
          status: 'delivered',
          delivered_at: now.toISOString(),
          next_attempt_at: null,
          job_id: null,
        })
        .where('id', '=', row.id)
        .where('job_id', '=', jobId)
        .execute();
      return;
    }
    const retry = row.retry_count + 1;
    const delay = retryDelayMs(this.#o.retryScheduleMs, retry);
    if (delay === undefined) {
      this.#attempts.inc({ outcome: 'failed' });
      await db
        .updateTable('webhook_deliveries')
        .set({ ...attempt, status: 'failed', retry_count: retry, next_attempt_at: null, job_id: null })
        .where('id', '=', row.id)
        .where('job_id', '=', jobId)
        .execute();
      return;
    }
    this.#attempts.inc({ outcome: 'retry' });
    const next = new Date(now.getTime() + delay);
    const nextJob = randomUUID();
    await db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('webhook_deliveries')
        .set({ ...attempt, retry_count: retry, next_attempt_at: next.toISOString(), job_id: nextJob })
        .where('id', '=', row.id)
        .where('job_id', '=', jobId)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) > 0) {
        await jobs.enqueue<DeliveryJob>(
          DELIVERY_QUEUE,
          { deliveryId: row.id },
          { id: nextJob, runAt: next, db: trx },
        );
      }
    });
  }

  /** Hands a delivery to a new job due at `at` (this job was early, or its job went missing). */
  async #requeue(deliveryId: string, currentJob: string | null, at: Date): Promise<boolean> {
    const nextJob = randomUUID();
    const moved = await this.#o.db.transaction().execute(async (trx) => {
      let update = trx
        .updateTable('webhook_deliveries')
        .set({ job_id: nextJob, attempt_started_at: null, updated_at: new Date().toISOString() })
        .where('id', '=', deliveryId)
        .where('status', '=', 'pending');
      update =
        currentJob === null ? update.where('job_id', 'is', null) : update.where('job_id', '=', currentJob);
      const result = await update.executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await this.#o.jobs.enqueue<DeliveryJob>(
        DELIVERY_QUEUE,
        { deliveryId },
        { id: nextJob, runAt: at, db: trx },
      );
      return true;
    });
    if (moved) this.#o.jobs.wake(DELIVERY_QUEUE);
    return moved;
  }

  async maintain(): Promise<void> {
    const { db } = this.#o;
    const now = Date.now();
    // Pending past its time by far, and no attempt in flight: its job is gone. Give it a new one.
    const grace = Math.max(10 * 60_000, 3 * this.#leaseMs);
    const orphans = await db
      .selectFrom('webhook_deliveries')
      .select(['id', 'job_id'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<', new Date(now - grace).toISOString())
      .where((eb) =>
        eb.or([
          eb('attempt_started_at', 'is', null),
          eb('attempt_started_at', '<', new Date(now - 2 * this.#leaseMs).toISOString()),
        ]),
      )
      .limit(500)
      .execute();
    for (const orphan of orphans) await this.#requeue(orphan.id, orphan.job_id, new Date());
    const cutoff = new Date(now - RETENTION_MS).toISOString();
    await db
      .deleteFrom('webhook_deliveries')
      .where('status', 'in', ['delivered', 'failed', 'cancelled'])
      .where('updated_at', '<', cutoff)
      .execute();
    await db
      .deleteFrom('events')
      .where('created_at', '<', cutoff)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('webhook_deliveries').select('id').whereRef('event_id', '=', 'events.id'))),
      )
      .execute();
  }
}

async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_EXCERPT_BYTES) break;
    }
  } catch {
    // A body cut short still leaves what was read.
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}

function describeNetworkError(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const cause = e.cause ?? e;
  if (cause?.code === 'ETARGETREFUSED') return cause.message;
  return `could not reach the receiver: ${cause?.code ? `${cause.code} ` : ''}${cause?.message ?? String(error)}`.trim();
}
