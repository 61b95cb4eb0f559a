/** Row types of every table, as Kysely sees them. Timestamps are ISO 8601 UTC strings on both databases. */
import type { Generated } from 'kysely';

export interface EnvironmentTable {
  id: string;
  name: string;
  created_at: string;
}

export interface ApiTokenTable {
  id: string;
  environment_id: string;
  name: string;
  token_hash: string;
  /** 0 or 1: may create environments and their tokens, and see every environment. */
  admin: number;
  created_at: string;
}

export interface IntegratedAccountTable {
  id: string;
  environment_id: string;
  tenant_id: string;
  integration: string;
  status: string;
  /** JSON: the context values that are not secret. */
  context: string;
  /** JSON: `{ field: SealedValue }` for the integration's secret fields. */
  secret_context: string;
  last_error: string | null;
  /** JSON `{ calls, window_seconds }`: the account's own rate limit; null = the integration's policy. */
  rate_limit: string | null;
  /** Bumped on every credentials write: a write based on an older version is refused. */
  credentials_version: number;
  /** When OAuth tokens were last obtained or refreshed (the keep-alive job's clock). */
  credentials_refreshed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One environment's installation of an integration, with its OAuth app (the secret sealed). */
export interface EnvironmentIntegrationTable {
  id: string;
  environment_id: string;
  integration: string;
  /** 0 or 1. */
  is_enabled: number;
  /** 0 or 1. */
  show_in_catalog: number;
  oauth_client_id: string | null;
  /** JSON `SealedValue`. */
  oauth_client_secret: string | null;
  /** JSON array of scopes, or null for the integration's own. */
  oauth_scopes: string | null;
  oauth_authorize_url: string | null;
  oauth_token_url: string | null;
  created_at: string;
  updated_at: string;
}

/** An OAuth authorization in flight: its single-use `state`, bound to a link token. */
export interface OAuthStateTable {
  id: string;
  state_hash: string;
  link_token_id: string;
  environment_id: string;
  integration: string;
  sealed: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
  result_hash: string | null;
  result: string | null;
}

/** One link token (connect flow). The token itself is never stored, only its SHA-256. */
export interface LinkTokenTable {
  id: string;
  token_hash: string;
  environment_id: string;
  tenant_id: string;
  /** Null: the page lets the customer pick the integration. */
  integration: string | null;
  /** Set for a reconnect: the account whose credentials the page replaces. */
  integrated_account_id: string | null;
  redirect_uri: string | null;
  /** Where the page may `postMessage` the result (explicit, or the redirect_uri's origin). */
  opener_origin: string | null;
  /** JSON `SealedValue` of the context to merge into the account (it may hold secrets), or null. */
  sealed_context: string | null;
  /** 0 or 1. */
  persist_previous_context: number;
  failed_attempts: number;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
  linked_account_id: string | null;
}

/** A webhook subscription. `event_types` is a JSON array; `secret` a JSON `SealedValue` (it must be usable to sign). */
export interface WebhookTable {
  id: string;
  environment_id: string;
  target_url: string;
  event_types: string;
  /** 0 or 1. */
  is_active: number;
  secret: string;
  created_at: string;
  updated_at: string;
}

/** An event that had at least one subscriber when it was published (the outbox's message). */
export interface EventTable {
  id: string;
  environment_id: string;
  event_type: string;
  /** JSON, exactly the bytes that go into the delivery body. */
  payload: string;
  created_at: string;
}

/** One event to one webhook: its state, retry position and last attempt (the delivery log). */
export interface WebhookDeliveryTable {
  id: string;
  environment_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  /** pending | delivered | failed | cancelled */
  status: string;
  attempts: number;
  /** Failed attempts since the delivery was (re)queued: the position in the retry schedule. */
  retry_count: number;
  next_attempt_at: string | null;
  /** The one job allowed to attempt this delivery (null when nothing is queued). */
  job_id: string | null;
  /** Set while an attempt is in flight. */
  attempt_started_at: string | null;
  last_attempt_at: string | null;
  last_response_status: number | null;
  last_response_body: string | null;
  last_error: string | null;
  last_duration_ms: number | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The embedded (SQLite) job runner's queue. On PostgreSQL, pg-boss keeps jobs in its own schema. */
export interface JobTable {
  id: string;
  queue: string;
  /** JSON */
  data: string;
  /** created | retry | active | failed */
  state: string;
  singleton_key: string | null;
  run_at: string;
  lease_until: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Recurring jobs (both databases): one row per schedule key, claimed by whichever instance sees it due. */
export interface JobScheduleTable {
  key: string;
  queue: string;
  /** JSON */
  data: string;
  every_seconds: number;
  singleton_key: string | null;
  next_run_at: string;
  created_at: string;
  updated_at: string;
}

export interface IdempotencyKeyTable {
  /** environment, account, method and path: a key is only ever compared within its scope. */
  scope: string;
  key: string;
  request_hash: string;
  state: 'pending' | 'done';
  response_status: number | null;
  response_body: string | null;
  created_at: string;
  expires_at: string;
}

export interface AsyncRequestTable {
  id: string;
  environment_id: string;
  integrated_account_id: string;
  /** e.g. `leadsquared:sales-group-add-users`; the integration's `asyncChecks` knows how to check it. */
  kind: string;
  /** JSON: what was asked (group, users, flags) and the vendor's request id. */
  details: string;
  status: 'pending' | 'completed' | 'failed';
  callback_token_hash: string;
  vendor_request_id: string | null;
  /** JSON: the vendor's callback body or what checking found. */
  outcome: string | null;
  created_at: string;
  updated_at: string;
}

/** One directory sync run (see docs/sync.md). Counts are totals over the run so far. */
export interface SyncJobRunTable {
  id: string;
  environment_id: string;
  integrated_account_id: string;
  /** pending | running | completed | failed */
  status: string;
  /** api | schedule */
  triggered_by: string;
  /** JSON array of unified resource keys, e.g. `["user-directory/users"]`. */
  resources: string;
  /** JSON `{ emit_initial, page_size }`. */
  options: string;
  /** JSON: per resource, the phase, the checkpoint cursor, pages and records read, whether it is a baseline. */
  progress: string;
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  events: number;
  /** JSON `{ code, message }` when failed. */
  error: string | null;
  /** The one job allowed to work on the run (a stale or duplicate job is a no-op). */
  job_id: string | null;
  /** The worker holding the run (a random token per attempt) and until when; every write is fenced by it. */
  lease_owner: string | null;
  lease_until: string | null;
  /** How many times a worker claimed the run (1 unless it was resumed). */
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

/** The snapshot: the latest unified record (without `remote_data`) of each synced record, with its hash. */
export interface SyncRecordTable {
  integrated_account_id: string;
  /** e.g. `user-directory/users` */
  resource: string;
  record_id: string;
  environment_id: string;
  /** sha256 (hex) of the record's canonical JSON. */
  hash: string;
  /** The record's canonical JSON. */
  record: string;
  /** The latest run whose pass saw the record (deletions: records a complete pass did not see). */
  seen_in_run: string;
  created_at: string;
  /** When the record last changed. */
  updated_at: string;
}

/** Per account and resource: the latest complete pass (the snapshot's age; absent = no baseline yet). */
export interface SyncStateTable {
  integrated_account_id: string;
  resource: string;
  environment_id: string;
  last_run_id: string;
  last_completed_at: string;
  record_count: number;
}

/** Per-account sync schedule; no row = the server default (`SWITCHBOARD_SYNC_DEFAULT_INTERVAL`). */
export interface SyncSettingsTable {
  integrated_account_id: string;
  environment_id: string;
  /** Seconds between scheduled runs; 0 = never; null = the server default. */
  interval_seconds: number | null;
  /** JSON array of resources for scheduled runs; null = the integration's default set. */
  resources: string | null;
  created_at: string;
  updated_at: string;
}

export interface Database {
  environments: EnvironmentTable;
  api_tokens: ApiTokenTable;
  integrated_accounts: IntegratedAccountTable;
  environment_integrations: EnvironmentIntegrationTable;
  oauth_states: OAuthStateTable;
  link_tokens: LinkTokenTable;
  webhooks: WebhookTable;
  events: EventTable;
  webhook_deliveries: WebhookDeliveryTable;
  jobs: JobTable;
  job_schedules: JobScheduleTable;
  idempotency_keys: IdempotencyKeyTable;
  async_requests: AsyncRequestTable;
  sync_job_runs: SyncJobRunTable;
  sync_records: SyncRecordTable;
  sync_states: SyncStateTable;
  sync_settings: SyncSettingsTable;
  kysely_migration: { name: string; timestamp: string };
  _generated_marker?: Generated<never>;
}
