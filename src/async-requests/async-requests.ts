/**
 * Vendor operations that finish later (LeadSquared adds and removes sales-group members asynchronously,
 * reference §1.8). Switchboard records each one, gives the vendor a callback URL that completes it, and
 * can also check it against the vendor on demand — so a caller learns the outcome by polling
 * `GET /async-request/{id}` (and, where webhooks are set up, from an `async_request:*` event).
 */
import { randomUUID } from 'node:crypto';
import { hashToken, newToken } from '../crypto/tokens.ts';
import type { Db } from '../store/database.ts';
import type { AsyncRequestTable } from '../store/schema.ts';

export type AsyncStatus = AsyncRequestTable['status'];

export interface AsyncRequest {
  id: string;
  integratedAccountId: string;
  kind: string;
  details: Record<string, unknown>;
  status: AsyncStatus;
  vendorRequestId: string | null;
  outcome: unknown;
  createdAt: string;
  updatedAt: string;
}

function toRequest(row: AsyncRequestTable): AsyncRequest {
  return {
    id: row.id,
    integratedAccountId: row.integrated_account_id,
    kind: row.kind,
    details: JSON.parse(row.details),
    status: row.status,
    vendorRequestId: row.vendor_request_id,
    outcome: row.outcome === null ? null : JSON.parse(row.outcome),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function asyncRequestToJson(request: AsyncRequest): Record<string, unknown> {
  return {
    id: request.id,
    integrated_account_id: request.integratedAccountId,
    kind: request.kind,
    status: request.status,
    vendor_request_id: request.vendorRequestId,
    details: request.details,
    outcome: request.outcome,
    created_at: request.createdAt,
    updated_at: request.updatedAt,
  };
}

export class AsyncRequests {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Records a pending operation; returns its id and the secret callback token (shown only here). */
  async create(input: {
    environmentId: string;
    accountId: string;
    kind: string;
    details: Record<string, unknown>;
  }): Promise<{ id: string; callbackToken: string }> {
    const id = randomUUID();
    const callbackToken = newToken('cb');
    const now = new Date().toISOString();
    await this.#db
      .insertInto('async_requests')
      .values({
        id,
        environment_id: input.environmentId,
        integrated_account_id: input.accountId,
        kind: input.kind,
        details: JSON.stringify(input.details),
        status: 'pending',
        callback_token_hash: hashToken(callbackToken),
        vendor_request_id: null,
        outcome: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return { id, callbackToken };
  }

  async setVendorRequestId(id: string, vendorRequestId: string | null): Promise<void> {
    await this.#db
      .updateTable('async_requests')
      .set({ vendor_request_id: vendorRequestId, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async get(environmentId: string, id: string): Promise<AsyncRequest | undefined> {
    const row = await this.#db
      .selectFrom('async_requests')
      .selectAll()
      .where('id', '=', id)
      .where('environment_id', '=', environmentId)
      .executeTakeFirst();
    return row && toRequest(row);
  }

  async findByCallbackToken(token: string): Promise<AsyncRequest | undefined> {
    const row = await this.#db
      .selectFrom('async_requests')
      .selectAll()
      .where('callback_token_hash', '=', hashToken(token))
      .executeTakeFirst();
    return row && toRequest(row);
  }

  /** Settles a pending request; a settled one keeps its first outcome (callbacks may repeat). */
  async settle(id: string, status: Exclude<AsyncStatus, 'pending'>, outcome: unknown): Promise<void> {
    await this.#db
      .updateTable('async_requests')
      .set({ status, outcome: JSON.stringify(outcome ?? null), updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }
}
