import type { Kysely, Migration } from 'kysely';

/**
 * A per-account override of the integration's rate limit (LeadSquared plans allow 2 to 25 calls per 5 s):
 * JSON `{ "calls": n, "window_seconds": s }`, or null for the integration's own policy.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('integrated_accounts').addColumn('rate_limit', 'text').execute();
  },
};
