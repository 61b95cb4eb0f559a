import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Webhook subscriptions, the event outbox (events + one delivery row per subscriber), and the tables of the
 * job runner: `jobs` (used by the embedded runner only; pg-boss keeps its own schema on PostgreSQL) and
 * `job_schedules` (recurring jobs, on both databases).
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id'))
      .addColumn('target_url', 'text', (c) => c.notNull())
      .addColumn('event_types', 'text', (c) => c.notNull())
      .addColumn('is_active', 'integer', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhooks_env_created')
      .on('webhooks')
      .columns(['environment_id', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('environment_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('events_created').on('events').column('created_at').execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('environment_id', 'text', (c) => c.notNull())
      .addColumn('webhook_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('retry_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text')
      .addColumn('job_id', 'text')
      .addColumn('attempt_started_at', 'text')
      .addColumn('last_attempt_at', 'text')
      .addColumn('last_response_status', 'integer')
      .addColumn('last_response_body', 'text')
      .addColumn('last_error', 'text')
      .addColumn('last_duration_ms', 'integer')
      .addColumn('delivered_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('webhook_deliveries_event_webhook', ['event_id', 'webhook_id'])
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_webhook_created')
      .on('webhook_deliveries')
      .columns(['webhook_id', 'created_at', 'id'])
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_status_due')
      .on('webhook_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();

    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('singleton_key', 'text')
      .addColumn('run_at', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('jobs_queue_state_run')
      .on('jobs')
      .columns(['queue', 'state', 'run_at'])
      .execute();
    // At most one waiting job per singleton key and queue: a duplicate enqueue is a no-op.
    await db.schema
      .createIndex('jobs_singleton_waiting')
      .unique()
      .on('jobs')
      .columns(['queue', 'singleton_key'])
      .where(sql<boolean>`state = 'created' and singleton_key is not null`)
      .execute();

    await db.schema
      .createTable('job_schedules')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('every_seconds', 'integer', (c) => c.notNull())
      .addColumn('singleton_key', 'text')
      .addColumn('next_run_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('job_schedules_due').on('job_schedules').column('next_run_at').execute();
  },
};
