/**
 * Webhook subscriptions (Truto-compatible shapes) and their delivery log: create (the secret is returned
 * once, and stored sealed with the keyring because it must be usable to sign), list, get, patch, delete,
 * test, deliveries, redeliver.
 */
import { randomUUID } from 'node:crypto';
import type { Keyring } from '../crypto/keyring.ts';
import { SwitchboardError } from '../errors.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { Db } from '../store/database.ts';
import { pastKeyset } from '../store/keyset.ts';
import type { WebhookDeliveryTable, WebhookTable } from '../store/schema.ts';
import { checkEventTypeFilters } from './catalogue.ts';
import { DELIVERY_QUEUE, type DeliveryJob, type EventBus } from './events.ts';
import { newWebhookSecret } from './signing.ts';
import { checkWebhookTarget } from './target-guard.ts';

export interface WebhooksDeps {
  db: Db;
  keyring: Keyring;
  jobs: JobRunner;
  events: EventBus;
  allowedTargets: readonly string[];
  /** An attempt started less than this long ago is still in flight. */
  deliveryLeaseMs: number;
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;

export class Webhooks {
  readonly #d: WebhooksDeps;

  constructor(deps: WebhooksDeps) {
    this.#d = deps;
  }

  async create(
    environmentId: string,
    input: { target_url: string; event_types: string[]; is_active?: boolean },
  ): Promise<{ webhook: WebhookTable; secret: string }> {
    const eventTypes = checkEventTypeFilters(input.event_types);
    const targetUrl = await checkWebhookTarget(input.target_url, this.#d.allowedTargets);
    const secret = newWebhookSecret();
    const now = new Date().toISOString();
    const row: WebhookTable = {
      id: randomUUID(),
      environment_id: environmentId,
      target_url: targetUrl,
      event_types: JSON.stringify(eventTypes),
      is_active: input.is_active === false ? 0 : 1,
      secret: JSON.stringify(this.#d.keyring.seal(secret)),
      created_at: now,
      updated_at: now,
    };
    await this.#d.db.insertInto('webhooks').values(row).execute();
    return { webhook: row, secret };
  }

  async list(
    environmentId: string,
    query: { limit: number; after?: { createdAt: string; id: string } },
  ): Promise<Page<WebhookTable>> {
    let q = this.#d.db.selectFrom('webhooks').selectAll().where('environment_id', '=', environmentId);
    if (query.after) {
      q = q.where(pastKeyset(query.after, 'asc'));
    }
    const rows = await q
      .orderBy('created_at')
      .orderBy('id')
      .limit(query.limit + 1)
      .execute();
    return { items: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
  }

  async get(environmentId: string, id: string): Promise<WebhookTable> {
    const row = await this.#d.db
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', id)
      .where('environment_id', '=', environmentId)
      .executeTakeFirst();
    if (!row) throw new SwitchboardError('NOT_FOUND', `webhook ${id} was not found in this environment`);
    return row;
  }

  async patch(
    environmentId: string,
    id: string,
    input: { target_url?: string; event_types?: string[]; is_active?: boolean },
  ): Promise<WebhookTable> {
    await this.get(environmentId, id);
    const changes: Partial<WebhookTable> = { updated_at: new Date().toISOString() };
    if (input.target_url !== undefined) {
      changes.target_url = await checkWebhookTarget(input.target_url, this.#d.allowedTargets);
    }
    if (input.event_types !== undefined) {
      changes.event_types = JSON.stringify(checkEventTypeFilters(input.event_types));
    }
    if (input.is_active !== undefined) changes.is_active = input.is_active ? 1 : 0;
    await this.#d.db
      .updateTable('webhooks')
      .set(changes)
      .where('id', '=', id)
      .where('environment_id', '=', environmentId)
      .execute();
    return this.get(environmentId, id);
  }

  /** Deletes the subscription and its delivery log; queued deliveries are dropped. */
  async delete(environmentId: string, id: string): Promise<void> {
    await this.get(environmentId, id);
    await this.#d.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
      await trx
        .deleteFrom('webhooks')
        .where('id', '=', id)
        .where('environment_id', '=', environmentId)
        .execute();
    });
  }

  /** Queues the `test` event (`{ "foo": "bar" }`) to this webhook, active or not. */
  async test(environmentId: string, id: string): Promise<{ eventId: string; deliveryId: string }> {
    await this.get(environmentId, id);
    return this.#d.events.publishTest(environmentId, id);
  }

  async deliveries(
    environmentId: string,
    webhookId: string,
    query: { limit: number; status?: string; before?: { createdAt: string; id: string } },
  ): Promise<Page<WebhookDeliveryTable>> {
    await this.get(environmentId, webhookId);
    let q = this.#d.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .where('environment_id', '=', environmentId);
    if (query.status) q = q.where('status', '=', query.status);
    if (query.before) {
      q = q.where(pastKeyset(query.before, 'desc'));
    }
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    return { items: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
  }

  /**
   * Sends a delivery again now, whatever its state (delivered, failed, cancelled or waiting for a retry),
   * with a fresh retry schedule. The event id stays the same, so receivers can de-duplicate.
   */
  async redeliver(
    environmentId: string,
    webhookId: string,
    deliveryId: string,
  ): Promise<WebhookDeliveryTable> {
    const webhook = await this.get(environmentId, webhookId);
    if (!webhook.is_active) {
      throw new SwitchboardError('CONFLICT', 'the webhook is inactive: activate it (PATCH is_active) first');
    }
    const nextJob = randomUUID();
    const row = await this.#d.db.transaction().execute(async (trx) => {
      const delivery = await trx
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', deliveryId)
        .where('webhook_id', '=', webhookId)
        .executeTakeFirst();
      if (!delivery) {
        throw new SwitchboardError(
          'NOT_FOUND',
          `delivery ${deliveryId} was not found for webhook ${webhookId}`,
        );
      }
      if (
        delivery.attempt_started_at &&
        Date.parse(delivery.attempt_started_at) > Date.now() - this.#d.deliveryLeaseMs
      ) {
        throw new SwitchboardError(
          'CONFLICT',
          'an attempt of this delivery is in progress; try again shortly',
        );
      }
      const now = new Date().toISOString();
      const changes = {
        status: 'pending',
        retry_count: 0,
        next_attempt_at: now,
        job_id: nextJob,
        attempt_started_at: null,
        updated_at: now,
      };
      await trx.updateTable('webhook_deliveries').set(changes).where('id', '=', deliveryId).execute();
      await this.#d.jobs.enqueue<DeliveryJob>(DELIVERY_QUEUE, { deliveryId }, { id: nextJob, db: trx });
      return { ...delivery, ...changes };
    });
    this.#d.jobs.wake(DELIVERY_QUEUE);
    return row;
  }
}

/** The wire shape of a subscription (the secret is never part of it after creation). */
export function webhookToJson(row: WebhookTable): Record<string, unknown> {
  return {
    id: row.id,
    environment_id: row.environment_id,
    target_url: row.target_url,
    event_types: JSON.parse(row.event_types),
    is_active: row.is_active === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function deliveryToJson(row: WebhookDeliveryTable): Record<string, unknown> {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    event_id: row.event_id,
    event: row.event_type,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.next_attempt_at,
    last_attempt_at: row.last_attempt_at,
    last_response_status: row.last_response_status,
    last_response_body: row.last_response_body,
    last_error: row.last_error,
    last_duration_ms: row.last_duration_ms,
    delivered_at: row.delivered_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
