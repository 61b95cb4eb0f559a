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
  created_at: string;
  updated_at: string;
}

export interface Database {
  environments: EnvironmentTable;
  api_tokens: ApiTokenTable;
  integrated_accounts: IntegratedAccountTable;
  kysely_migration: { name: string; timestamp: string };
  _generated_marker?: Generated<never>;
}
