import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Directory sync (see docs/sync.md): the runs, the snapshot of every synced record with its content hash,
 * per-resource state (when the last complete pass finished), and per-account schedules.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sync_job_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('environment_id', 'text', (c) => c.notNull())
      .addColumn('integrated_account_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('triggered_by', 'text', (c) => c.notNull())
      .addColumn('resources', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('progress', 'text', (c) => c.notNull())
      .addColumn('fetched', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('events', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('job_id', 'text')
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // Never two runs of one account at a time: the database refuses a second pending/running run.
    await db.schema
      .createIndex('sync_job_runs_one_active')
      .unique()
      .on('sync_job_runs')
      .column('integrated_account_id')
      .where(sql<boolean>`status in ('pending', 'running')`)
      .execute();
    await db.schema
      .createIndex('sync_job_runs_env_created')
      .on('sync_job_runs')
      .columns(['environment_id', 'created_at', 'id'])
      .execute();
    await db.schema
      .createIndex('sync_job_runs_account_created')
      .on('sync_job_runs')
      .columns(['integrated_account_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('sync_job_runs_status_lease')
      .on('sync_job_runs')
      .columns(['status', 'lease_until'])
      .execute();

    await db.schema
      .createTable('sync_records')
      .addColumn('integrated_account_id', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('record_id', 'text', (c) => c.notNull())
      .addColumn('environment_id', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('seen_in_run', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_records_pk', ['integrated_account_id', 'resource', 'record_id'])
      .execute();
    await db.schema
      .createIndex('sync_records_seen')
      .on('sync_records')
      .columns(['integrated_account_id', 'resource', 'seen_in_run'])
      .execute();

    await db.schema
      .createTable('sync_states')
      .addColumn('integrated_account_id', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('environment_id', 'text', (c) => c.notNull())
      .addColumn('last_run_id', 'text', (c) => c.notNull())
      .addColumn('last_completed_at', 'text', (c) => c.notNull())
      .addColumn('record_count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_states_pk', ['integrated_account_id', 'resource'])
      .execute();

    await db.schema
      .createTable('sync_settings')
      .addColumn('integrated_account_id', 'text', (c) => c.primaryKey())
      .addColumn('environment_id', 'text', (c) => c.notNull())
      .addColumn('interval_seconds', 'integer')
      .addColumn('resources', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
