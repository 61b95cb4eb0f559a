/**
 * Publishing events through the durable outbox. `publish` writes, in one transaction: the event row, one
 * delivery row per active subscription whose filters match, and one delivery job per delivery row. Nothing is
 * sent before that commits, and once it has, the delivery worker (`delivery.ts`) sends each delivery at least
 * once, retrying on its schedule. An event nobody subscribes to is not stored.
 *
 * For the code that publishes (accounts, sync):
 *
 *   await services.events.publish(environmentId, 'user:created', payload);
 *   await services.events.publish(environmentId, 'record:updated', payload, { id: stableId, db: trx });
 *   await services.events.publishMany(environmentId, [{ event, payload, id }], { db: trx });
 *
 * - `id`: a stable event id makes publishing idempotent: an id already published is skipped (no second
 *   delivery), so a job that resumes after a crash may publish the same events again safely.
 * - `db`: a Kysely transaction, to commit the events with the caller's own rows (e.g. a sync checkpoint).
 *   Call `events.wake()` after the commit for immediate delivery; otherwise the next poll picks them up.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AccountEvent, AccountEventSink } from '../accounts/accounts.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { Db } from '../store/database.ts';
import type { Database, WebhookDeliveryTable } from '../store/schema.ts';
import { type EventType, isEventType, matchesFilters, TEST_EVENT } from './catalogue.ts';

export const DELIVERY_QUEUE = 'webhook-delivery';

export interface DeliveryJob {
  deliveryId: string;
}

export interface PublishOptions {
  /** A stable event id (UUID or any string up to 200 characters); default a random UUID. */
  id?: string;
  /** Write inside this transaction (atomic with the caller's rows). */
  db?: Kysely<Database>;
}

export interface EventInput {
  event: EventType;
  payload: unknown;
  id?: string;
}

export interface PublishedEvent {
  id: string;
  event: string;
  /** Deliveries queued (0: nobody subscribed, or the id was already published). */
  deliveries: number;
}

const CHUNK = 200;

export class EventBus implements AccountEventSink {
  readonly #db: Db;
  readonly #jobs: JobRunner;

  constructor(deps: { db: Db; jobs: JobRunner }) {
    this.#db = deps.db;
    this.#jobs = deps.jobs;
  }

  async publish(
    environmentId: string,
    event: EventType,
    payload: unknown,
    options: PublishOptions = {},
  ): Promise<PublishedEvent> {
    const [published] = await this.publishMany(environmentId, [{ event, payload, id: options.id }], options);
    return published!;
  }

  async publishMany(
    environmentId: string,
    events: EventInput[],
    options: { db?: Kysely<Database> } = {},
  ): Promise<PublishedEvent[]> {
    for (const e of events) {
      if (!isEventType(e.event)) throw new Error(`"${e.event}" is not in the event catalogue`);
      if (e.id !== undefined && (e.id.length === 0 || e.id.length > 200)) {
        throw new Error('an event id must be 1 to 200 characters');
      }
    }
    return this.#inTransaction(options.db, async (trx) => {
      const subscriptions = await trx
        .selectFrom('webhooks')
        .select(['id', 'event_types'])
        .where('environment_id', '=', environmentId)
        .where('is_active', '=', 1)
        .execute();
      const filters = subscriptions.map((s) => ({ id: s.id, types: JSON.parse(s.event_types) as string[] }));
      return this.#write(
        trx,
        environmentId,
        events.map((e) => ({
          ...e,
          webhookIds: filters.filter((f) => matchesFilters(f.types, e.event)).map((f) => f.id),
        })),
      );
    });
  }

  /** The `test` event to one webhook, whatever its filters (`POST /webhook/test`). */
  async publishTest(
    environmentId: string,
    webhookId: string,
  ): Promise<{ eventId: string; deliveryId: string }> {
    const [published] = await this.#inTransaction(undefined, (trx) =>
      this.#write(trx, environmentId, [
        { event: TEST_EVENT, payload: { foo: 'bar' }, webhookIds: [webhookId] },
      ]),
    );
    const delivery = await this.#db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('event_id', '=', published!.id)
      .executeTakeFirstOrThrow();
    return { eventId: published!.id, deliveryId: delivery.id };
  }

  /** `AccountEventSink`: the `integrated_account:*` lifecycle events. */
  async accountEvent(environmentId: string, event: AccountEvent, account: Record<string, unknown>) {
    await this.publish(environmentId, `integrated_account:${event}`, account);
  }

  /** Starts this instance's delivery workers now (after committing a transaction passed as `db`). */
  wake(): void {
    this.#jobs.wake(DELIVERY_QUEUE);
  }

  async #inTransaction<T>(db: Kysely<Database> | undefined, work: (trx: Kysely<Database>) => Promise<T>) {
    if (db) return work(db);
    const result = await this.#db.transaction().execute(work);
    this.wake();
    return result;
  }

  async #write(
    trx: Kysely<Database>,
    environmentId: string,
    events: Array<{ event: string; payload: unknown; id?: string; webhookIds: string[] }>,
  ): Promise<PublishedEvent[]> {
    const now = new Date().toISOString();
    const prepared = events.map((e) => ({ ...e, id: e.id ?? randomUUID() }));
    const wanted = prepared.filter((e) => e.webhookIds.length > 0);
    const inserted = new Set<string>();
    for (let i = 0; i < wanted.length; i += CHUNK) {
      const rows = await trx
        .insertInto('events')
        .values(
          wanted.slice(i, i + CHUNK).map((e) => ({
            id: e.id,
            environment_id: environmentId,
            event_type: e.event,
            payload: JSON.stringify(e.payload ?? null),
            created_at: now,
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .execute();
      for (const row of rows) inserted.add(row.id);
    }
    const deliveries: WebhookDeliveryTable[] = [];
    for (const e of wanted) {
      if (!inserted.has(e.id)) continue; // already published under this id
      for (const webhookId of e.webhookIds) {
        deliveries.push({
          id: randomUUID(),
          environment_id: environmentId,
          webhook_id: webhookId,
          event_id: e.id,
          event_type: e.event,
          status: 'pending',
          attempts: 0,
          retry_count: 0,
          next_attempt_at: now,
          job_id: randomUUID(),
          attempt_started_at: null,
          last_attempt_at: null,
          last_response_status: null,
          last_response_body: null,
          last_error: null,
          last_duration_ms: null,
          delivered_at: null,
          created_at: now,
          updated_at: now,
        });
      }
    }
    for (let i = 0; i < deliveries.length; i += CHUNK) {
      const chunk = deliveries.slice(i, i + CHUNK);
      await trx.insertInto('webhook_deliveries').values(chunk).execute();
      await this.#jobs.enqueueMany<DeliveryJob>(
        DELIVERY_QUEUE,
        chunk.map((d) => ({ id: d.job_id!, data: { deliveryId: d.id } })),
        { db: trx },
      );
    }
    return prepared.map((e) => ({
      id: e.id,
      event: e.event,
      deliveries: inserted.has(e.id) ? e.webhookIds.length : 0,
    }));
  }
}
