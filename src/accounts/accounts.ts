/**
 * The integrated-account lifecycle: create (check the context, guard the host, seal secrets, validate
 * against the vendor), read, list, patch (top-level context merge, re-validated), delete.
 */
import { randomUUID } from 'node:crypto';
import type { Keyring } from '../crypto/keyring.ts';
import { SwitchboardError } from '../errors.ts';
import { oauthTokenOf } from '../integrations/kit/auth.ts';
import { getIntegration } from '../integrations/registry.ts';
import { type AccountContext, type IntegrationDefinition, validationCall } from '../integrations/types.ts';
import type { Db } from '../store/database.ts';
import {
  type AccountStatus,
  deleteAccountRow,
  findAccountRow,
  type IntegratedAccount,
  insertAccountRow,
  listAccountRows,
  openContext,
  rowToAccount,
  sealContext,
  serializeRateLimit,
  updateAccountRow,
} from '../store/integrated-accounts.ts';
import type { IntegratedAccountTable } from '../store/schema.ts';
import { checkUpstreamOrigin } from '../upstream/host-guard.ts';
import { sendValidation } from './validation-request.ts';

/** Account lifecycle events (`integrated_account:*`), delivered to webhook subscribers. */
export type AccountEvent =
  | 'created'
  | 'active'
  | 'validation_error'
  | 'authentication_error'
  | 'reactivated'
  | 'deleted';

export interface AccountEventSink {
  accountEvent(environmentId: string, event: AccountEvent, account: Record<string, unknown>): Promise<void>;
}

export interface AccountsDeps {
  db: Db;
  keyring: Keyring;
  allowedUpstreamOrigins: readonly string[];
  events?: AccountEventSink;
}

const VALIDATION_TIMEOUT_MS = 10_000;

/** The context keys sealed at rest: every secret field, and the OAuth tokens (`oauth`). */
export function secretNames(integration: IntegrationDefinition): Set<string> {
  return new Set(['oauth', ...integration.credentials.filter((f) => f.secret).map((f) => f.name)]);
}

/**
 * The account's auth kind must have its required fields (as non-empty strings, matching their pattern),
 * and an OAuth account its access token; the message names fields, never values.
 */
function checkContext(integration: IntegrationDefinition, context: AccountContext): void {
  const kind = integration.authKindOf(context);
  const fields = [...kind.fields, ...integration.config];
  const missing = fields
    .filter(
      (f) => f.required && (typeof context[f.name] !== 'string' || (context[f.name] as string).trim() === ''),
    )
    .map((f) => `context.${f.name}`);
  if (kind.kind === 'oauth2' && !oauthTokenOf(context)) missing.push('context.oauth.token.access_token');
  if (missing.length > 0) {
    throw new SwitchboardError(
      'MISSING_REQUIRED_FIELDS',
      `context is missing required ${integration.label} field(s): ${missing.join(', ')}`,
      {
        truto_error_insight: {
          missing_required_body_fields: {
            description: `${integration.label} needs these context fields (${kind.label})`,
            value: missing,
          },
        },
      },
    );
  }
  for (const field of fields) {
    const value = context[field.name];
    if (field.pattern && typeof value === 'string' && !new RegExp(field.pattern).test(value)) {
      throw new SwitchboardError('INVALID_REQUEST', `context.${field.name} is not a valid ${field.label}`);
    }
  }
}

/** Takes a slot in the account's outbound budget for one call; returns its release. */
export type PaceValidation = (
  accountId: string,
  integration: IntegrationDefinition,
  rateLimit: { calls: number; windowSeconds: number },
) => Promise<() => Promise<void>>;

/** Refreshes imported OAuth tokens that are expired before the account is validated and stored. */
export type FreshenImport = (
  environmentId: string,
  integration: IntegrationDefinition,
  context: AccountContext,
) => Promise<AccountContext>;

/** Runs the integration's validation call; returns the status to record and, if it failed, why. */
export async function validateCredentials(
  integration: IntegrationDefinition,
  origin: string,
  context: AccountContext,
  pace?: { take: PaceValidation; accountId: string; rateLimit: { calls: number; windowSeconds: number } },
): Promise<{ status: AccountStatus; lastError: string | null }> {
  if (!validationCall(integration, context)) return { status: 'active', lastError: null };
  // The check counts against the account's vendor budget like any call (pacing errors reach the caller).
  const release = pace ? await pace.take(pace.accountId, integration, pace.rateLimit) : undefined;
  try {
    const response = (await sendValidation(integration, origin, context, VALIDATION_TIMEOUT_MS))!;
    const verdict = integration.detectError(response);
    if (!verdict) return { status: 'active', lastError: null };
    const why = verdict.unauthorized
      ? `${integration.label} refused the credentials (check the keys and the API host/region): ${verdict.message}`
      : `${integration.label} validation failed: ${verdict.message}`;
    return { status: 'validation_error', lastError: why };
  } catch (error) {
    return {
      status: 'validation_error',
      lastError: `could not reach ${origin} to validate the credentials: ${(error as Error).message}`,
    };
  } finally {
    await release?.();
  }
}

export class Accounts {
  readonly #deps: AccountsDeps;
  #pace: PaceValidation | undefined;
  #freshen: FreshenImport | undefined;

  /** Validation calls then take a slot in the account's budget (the upstream client is built after this). */
  usePacing(pace: PaceValidation): void {
    this.#pace = pace;
  }

  /** Imported OAuth tokens are refreshed first when they are expired (the token manager is built after this). */
  useTokenImport(freshen: FreshenImport): void {
    this.#freshen = freshen;
  }

  constructor(deps: AccountsDeps) {
    this.#deps = deps;
  }

  async create(
    environmentId: string,
    input: { integration: string; tenant_id: string; context: AccountContext },
  ): Promise<IntegratedAccount> {
    const integration = getIntegration(input.integration);
    // Which way the account connects is part of its context (Truto's `authentication_method`), in the clear.
    let context: AccountContext = {
      ...input.context,
      authentication_method: integration.authKindOf(input.context).kind,
    };
    checkContext(integration, context);
    const origin = checkUpstreamOrigin(integration, context, this.#deps.allowedUpstreamOrigins);
    const id = randomUUID();
    let refreshFailure: string | undefined;
    try {
      if (this.#freshen) context = await this.#freshen(environmentId, integration, context);
    } catch (error) {
      // A configuration problem (no OAuth app) is the caller's to fix; a vendor refusal is a validation error.
      if (error instanceof SwitchboardError) throw error;
      refreshFailure = `the imported OAuth token has expired and could not be refreshed: ${(error as Error).message}`;
    }
    const { status, lastError } = refreshFailure
      ? { status: 'validation_error' as const, lastError: refreshFailure }
      : await validateCredentials(integration, origin, context, this.#paced(id, integration));
    const now = new Date().toISOString();
    const row: IntegratedAccountTable = {
      id,
      environment_id: environmentId,
      tenant_id: input.tenant_id,
      integration: integration.name,
      status,
      ...sealContext(this.#deps.keyring, context, secretNames(integration)),
      last_error: lastError,
      rate_limit: null,
      credentials_version: 0,
      credentials_refreshed_at: oauthTokenOf(context) ? now : null,
      created_at: now,
      updated_at: now,
    };
    await insertAccountRow(this.#deps.db, row);
    const account = rowToAccount(row);
    await this.#emit(account, 'created');
    await this.#emit(account, status === 'active' ? 'active' : 'validation_error');
    return account;
  }

  async get(environmentId: string, id: string): Promise<IntegratedAccount> {
    return rowToAccount(await this.#row(environmentId, id));
  }

  /** The account with its full (decrypted) context, for upstream calls. Never serialize the context. */
  async openForCall(
    environmentId: string,
    id: string,
  ): Promise<{ account: IntegratedAccount; context: AccountContext }> {
    const row = await this.#row(environmentId, id);
    return { account: rowToAccount(row), context: openContext(this.#deps.keyring, row) };
  }

  async list(query: {
    environmentId: string;
    tenantId?: string;
    integration?: string;
    limit: number;
    after?: { createdAt: string; id: string };
  }): Promise<{ accounts: IntegratedAccount[]; hasMore: boolean }> {
    const rows = await listAccountRows(this.#deps.db, query);
    return { accounts: rows.slice(0, query.limit).map(rowToAccount), hasMore: rows.length > query.limit };
  }

  /** Top-level merge of `context` (Truto semantics); credentials that change are validated again. */
  async patch(
    environmentId: string,
    id: string,
    input: {
      context?: AccountContext;
      tenant_id?: string;
      /** The account's own rate limit (its vendor plan); null restores the integration's policy. */
      rate_limit?: { calls: number; window_seconds: number } | null;
    },
  ): Promise<IntegratedAccount> {
    const row = await this.#row(environmentId, id);
    const integration = getIntegration(row.integration);
    const changes: Partial<IntegratedAccountTable> = {};
    if (input.tenant_id !== undefined) changes.tenant_id = input.tenant_id;
    if (input.rate_limit !== undefined) changes.rate_limit = rateLimitOverride(input.rate_limit);
    if (input.context !== undefined) {
      const merged = { ...openContext(this.#deps.keyring, row), ...input.context };
      checkContext(integration, merged);
      const origin = checkUpstreamOrigin(integration, merged, this.#deps.allowedUpstreamOrigins);
      // OAuth tokens and the auth kind are credentials too: new ones are validated like new keys.
      const credentialNames = new Set([
        ...integration.credentials.map((f) => f.name),
        'oauth',
        'authentication_method',
      ]);
      if (Object.keys(input.context).some((k) => credentialNames.has(k))) {
        const override = rowToAccount(row).rateLimit;
        const { status, lastError } = await validateCredentials(
          integration,
          origin,
          merged,
          this.#paced(id, integration, override ?? undefined),
        );
        changes.status = status;
        changes.last_error = lastError;
      }
      Object.assign(changes, sealContext(this.#deps.keyring, merged, secretNames(integration)));
    }
    await updateAccountRow(this.#deps.db, id, changes);
    const account = await this.get(environmentId, id);
    if (changes.status === 'active')
      await this.#emit(account, row.status === 'active' ? 'active' : 'reactivated');
    if (changes.status === 'validation_error') await this.#emit(account, 'validation_error');
    return account;
  }

  /** The vendor refused the credentials on a live call: the customer must reconnect. */
  async markNeedsReauth(environmentId: string, id: string, message: string): Promise<void> {
    await updateAccountRow(this.#deps.db, id, { status: 'needs_reauth', last_error: message });
    await this.#emit(await this.get(environmentId, id), 'authentication_error');
  }

  /** A live call succeeded on an account that needed reauthentication: it works again. */
  async markReactivated(environmentId: string, id: string): Promise<void> {
    await updateAccountRow(this.#deps.db, id, { status: 'active', last_error: null });
    await this.#emit(await this.get(environmentId, id), 'reactivated');
  }

  async delete(environmentId: string, id: string): Promise<void> {
    if (!(await deleteAccountRow(this.#deps.db, environmentId, id))) throw notFound(id);
    await this.#deps.events?.accountEvent(environmentId, 'deleted', { id });
  }

  #paced(accountId: string, integration: IntegrationDefinition, rateLimit = integration.rateLimit) {
    return this.#pace && { take: this.#pace, accountId, rateLimit };
  }

  async #emit(account: IntegratedAccount, event: AccountEvent): Promise<void> {
    await this.#deps.events?.accountEvent(account.environmentId, event, accountToJson(account));
  }

  async #row(environmentId: string, id: string): Promise<IntegratedAccountTable> {
    const row = await findAccountRow(this.#deps.db, environmentId, id);
    if (!row) throw notFound(id);
    return row;
  }
}

/** Checks and serializes a per-account rate limit (whole calls, whole seconds: what vendors publish). */
function rateLimitOverride(input: { calls: number; window_seconds: number } | null): string | null {
  if (input === null) return null;
  const { calls, window_seconds } = input;
  if (!Number.isInteger(calls) || calls < 1 || calls > 100_000) {
    throw new SwitchboardError('INVALID_REQUEST', 'rate_limit.calls must be a whole number from 1 to 100000');
  }
  if (!Number.isInteger(window_seconds) || window_seconds < 1 || window_seconds > 86_400) {
    throw new SwitchboardError(
      'INVALID_REQUEST',
      'rate_limit.window_seconds must be a whole number of seconds from 1 to 86400',
    );
  }
  return serializeRateLimit({ calls, windowSeconds: window_seconds });
}

function notFound(id: string): SwitchboardError {
  return new SwitchboardError('NOT_FOUND', `integrated account ${id} was not found in this environment`);
}

/** The wire shape (Truto-compatible). Secrets are never part of it: only which secret fields are set. */
export function accountToJson(account: IntegratedAccount): Record<string, unknown> {
  return {
    id: account.id,
    tenant_id: account.tenantId,
    environment_id: account.environmentId,
    integration: account.integration,
    status: account.status,
    context: account.context,
    secret_context_fields: account.secretFields,
    last_error: account.lastError,
    rate_limit: account.rateLimit
      ? { calls: account.rateLimit.calls, window_seconds: account.rateLimit.windowSeconds }
      : null,
    created_at: account.createdAt,
    updated_at: account.updatedAt,
  };
}
