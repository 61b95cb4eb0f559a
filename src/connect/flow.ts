/**
 * The connect flow behind the hosted page: what the page shows for a link token (`session`) and what
 * happens when the customer submits their credentials (`link`):
 *
 * 1. the token is checked (every step), the integration and the entered fields are checked;
 * 2. the credentials are proven against the vendor before anything is written: for an integration that
 *    can discover its host (LeadSquared), the chosen host — or, with "Auto-detect", the vendor's default
 *    host and any operator-allowed origin — is asked where the account lives, so that a wrong region is
 *    told apart from wrong keys and the right region can be suggested; otherwise the integration's
 *    validation call is made;
 * 3. only then is the token claimed (atomically, single use) and the account created — or, for a
 *    reconnect, its context replaced — through `Accounts`, which validates again and emits the events.
 *
 * Wrong credentials leave nothing behind but a failed-attempt count on the token. OAuth integrations link
 * through `oauth-flow.ts`, which ends in the same `finish` (claim the token, create or reconnect).
 */
import { type Accounts, secretNames } from '../accounts/accounts.ts';
import type { Keyring } from '../crypto/keyring.ts';
import type { EnvironmentIntegrations } from '../environment-integrations/environment-integrations.ts';
import { SwitchboardError } from '../errors.ts';
import type { ApiKeyAuth } from '../integrations/kit/auth.ts';
import { findIntegration } from '../integrations/registry.ts';
import {
  type AccountContext,
  type CredentialField,
  type IntegrationDefinition,
  oauthKindOf,
} from '../integrations/types.ts';
import type { Db } from '../store/database.ts';
import { sealContext, updateAccountRow } from '../store/integrated-accounts.ts';
import { checkUpstreamOrigin } from '../upstream/host-guard.ts';
import { type LinkToken, type LinkTokens, linkTokenError } from './link-tokens.ts';
import { probeCredentials } from './probe.ts';
import { failure, hostField, Regions, wrongKeys } from './region.ts';

const MAX_FIELD_LENGTH = 2_000;

export interface ConnectFlowDeps {
  db: Db;
  keyring: Keyring;
  accounts: Accounts;
  linkTokens: LinkTokens;
  environmentIntegrations: EnvironmentIntegrations;
  allowedUpstreamOrigins: readonly string[];
  /** Operator-allowed origins the page offers (as "Sandbox N") and Auto-detect probes; usually none. */
  sandboxOrigins: readonly string[];
}

export interface FieldView {
  name: string;
  label: string;
  type: CredentialField['type'];
  required: boolean;
  secret: boolean;
  help?: string;
  placeholder?: string;
  options?: Array<{ label: string; value: string }>;
}

export interface IntegrationView {
  name: string;
  label: string;
  /** The API-key form (its fields and the configuration), when the integration has an API-key kind. */
  fields: FieldView[];
  api_key: { label: string; help: string | null } | null;
  /** "Connect with <vendor>", when the integration connects by OAuth: the fields asked before the redirect. */
  oauth: { label: string; grant: 'authorization_code' | 'client_credentials'; fields: FieldView[] } | null;
}

export interface SessionView {
  integration: string | null;
  integrations: IntegrationView[];
  reconnect: boolean;
  /** Where the page posts the result to its opener; null: the SDK's declared origin, if any. */
  opener_origin: string | null;
  /** Host the customer returns to after linking (shown on the page), if a redirect_uri was given. */
  redirect_host: string | null;
  expires_at: string;
}

export interface LinkResult {
  integrated_account_id: string;
  integration: string;
  reconnected: boolean;
  /** The redirect_uri with `integrated_account_id` and `integration` added, if one was given. */
  redirect_url: string | null;
  /** The vendor's name for the linked account (LeadSquared: the organisation), when it says. */
  account_name: string | null;
  /** The API host the credentials were linked on (non-secret), for the confirmation. */
  api_host: string | null;
}

export function withAccountId(redirectUri: string, accountId: string, integration: string): string {
  const url = new URL(redirectUri);
  url.searchParams.set('integrated_account_id', accountId);
  url.searchParams.set('integration', integration);
  return url.href;
}

export class ConnectFlow {
  readonly #deps: ConnectFlowDeps;
  readonly #regions: Regions;

  constructor(deps: ConnectFlowDeps) {
    this.#deps = deps;
    this.#regions = new Regions(deps);
  }

  async session(token: string): Promise<SessionView> {
    const record = await this.#deps.linkTokens.resolve(token);
    if (record.integratedAccountId) await this.#reconnectTarget(record, false);
    const installed = (await this.#deps.environmentIntegrations.list(record.environmentId)).filter(
      (row) => row.is_enabled === 1 && (row.show_in_catalog === 1 || row.integration === record.integration),
    );
    const names = record.integration
      ? installed.filter((row) => row.integration === record.integration).map((row) => row.integration)
      : installed.map((row) => row.integration);
    const integrations = names
      .map((name) => findIntegration(name))
      .filter((i): i is IntegrationDefinition => i !== undefined)
      .map((i) => this.#view(i, record));
    return {
      integration: record.integration,
      integrations,
      reconnect: record.integratedAccountId !== null,
      opener_origin: record.openerOrigin,
      redirect_host: record.redirectUri ? new URL(record.redirectUri).host : null,
      expires_at: record.expiresAt,
    };
  }

  /** Links with API keys (the form's fields), proven against the vendor first. */
  async link(token: string, input: { integration?: string; context: AccountContext }): Promise<LinkResult> {
    const record = await this.#deps.linkTokens.resolve(token);
    const integration = this.integrationFor(record, input.integration);
    const kind = integration.auth.find((k): k is ApiKeyAuth => k.kind === 'api_key');
    if (!kind) {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `${integration.label} connects with OAuth: use /connect/oauth/start`,
      );
    }
    if (record.integratedAccountId) await this.#reconnectTarget(record, false);
    const entered = this.enteredFields(
      integration,
      [...kind.fields, ...integration.config],
      record,
      input.context,
    );
    const context: AccountContext = { authentication_method: 'api_key', ...entered, ...record.context };

    if (!(await this.#deps.linkTokens.takeAttempt(record.id))) throw linkTokenError('too_many_attempts');
    let proven: { context: AccountContext; accountName?: string };
    try {
      proven = await this.#prove(integration, context);
    } catch (error) {
      const details = (error as SwitchboardError).extras?.details as { error_type?: string } | undefined;
      // Only a refusal by the vendor counts against the token.
      if (details?.error_type !== 'validation_error') await this.#deps.linkTokens.giveBackAttempt(record.id);
      throw error;
    }
    await this.#deps.linkTokens.giveBackAttempt(record.id);
    return this.finish(record, integration, proven.context, proven.accountName);
  }

  /**
   * Claims the token (single use) and creates the account — or, for a reconnect, replaces its credentials —
   * through `Accounts`, which validates them again and emits the lifecycle events.
   */
  async finish(
    record: LinkToken,
    integration: IntegrationDefinition,
    context: AccountContext,
    accountName?: string,
  ): Promise<LinkResult> {
    const previous = record.integratedAccountId ? await this.#reconnectTarget(record) : undefined;
    if (!(await this.#deps.linkTokens.claim(record))) throw linkTokenError('used');
    try {
      const accountId = previous
        ? await this.#relink(record, integration, previous.context, context)
        : await this.#create(record, integration, context);
      await this.#deps.linkTokens.recordLinked(record.id, accountId);
      const field = hostField(integration);
      const host = field ? String(context[field.name] ?? '') : '';
      return {
        integrated_account_id: accountId,
        integration: integration.name,
        reconnected: previous !== undefined,
        redirect_url: record.redirectUri
          ? withAccountId(record.redirectUri, accountId, integration.name)
          : null,
        account_name: accountName ?? null,
        api_host: field && host ? this.#regions.display(field, host) : null,
      };
    } catch (error) {
      await this.#deps.linkTokens.release(record.id);
      throw error;
    }
  }

  #view(integration: IntegrationDefinition, record: LinkToken): IntegrationView {
    const host = hostField(integration);
    const describe = (fields: CredentialField[]): FieldView[] =>
      fields
        // A field the link token's context already sets (e.g. the API host) is not asked again.
        .filter((f) => record.context[f.name] === undefined)
        .map((f): FieldView => {
          const view: FieldView = {
            name: f.name,
            label: f.label,
            type: f.type,
            required: f.required,
            secret: f.secret,
            ...(f.help ? { help: f.help } : {}),
            ...(f.placeholder ? { placeholder: f.placeholder } : {}),
          };
          if (f.options) view.options = f === host ? this.#regions.options(f) : f.options;
          return view;
        });
    const apiKey = integration.auth.find((k): k is ApiKeyAuth => k.kind === 'api_key');
    const oauth = oauthKindOf(integration);
    return {
      name: integration.name,
      label: integration.label,
      fields: apiKey ? describe([...apiKey.fields, ...integration.config]) : [],
      api_key: apiKey ? { label: apiKey.label, help: apiKey.help ?? null } : null,
      oauth: oauth
        ? {
            label: `Connect with ${integration.label}`,
            grant: oauth.grant,
            fields: describe([...oauth.fields]),
          }
        : null,
    };
  }

  integrationFor(record: LinkToken, chosen: string | undefined): IntegrationDefinition {
    const name = record.integration ?? chosen;
    if (!name) throw new SwitchboardError('INVALID_REQUEST', 'choose an integration to connect');
    if (record.integration && chosen && chosen !== record.integration) {
      throw new SwitchboardError('INVALID_REQUEST', `this link connects ${record.integration} only`);
    }
    const integration = findIntegration(name);
    if (!integration) throw new SwitchboardError('INVALID_REQUEST', `unknown integration "${name}"`);
    return integration;
  }

  /** Only the given fields are taken; values are trimmed; required ones must be set; patterns must match. */
  enteredFields(
    integration: IntegrationDefinition,
    fields: readonly CredentialField[],
    record: LinkToken,
    raw: AccountContext,
  ): AccountContext {
    const values: AccountContext = {};
    const missing: string[] = [];
    for (const field of fields) {
      if (record.context[field.name] !== undefined) continue;
      const value = raw[field.name];
      if (value !== undefined && typeof value !== 'string') {
        throw new SwitchboardError('INVALID_REQUEST', `${field.label} must be text`);
      }
      const trimmed = (value ?? '').trim();
      if (trimmed.length > MAX_FIELD_LENGTH) {
        throw new SwitchboardError('INVALID_REQUEST', `${field.label} is too long`);
      }
      if (trimmed === '') {
        if (field.required) missing.push(field.name);
        continue;
      }
      const chosen = field.options ? this.#option(integration, field, trimmed) : trimmed;
      if (chosen === undefined) {
        throw new SwitchboardError('INVALID_REQUEST', `choose one of the listed options for ${field.label}`, {
          details: { fields: [field.name] },
        });
      }
      if (field.pattern && !new RegExp(field.pattern).test(chosen)) {
        throw new SwitchboardError('INVALID_REQUEST', `${field.label} is not valid`, {
          details: { fields: [field.name] },
        });
      }
      values[field.name] = chosen;
    }
    if (missing.length > 0) {
      const labels = missing.map((m) => fields.find((f) => f.name === m)!.label);
      throw new SwitchboardError('MISSING_REQUIRED_FIELDS', `Please fill in: ${labels.join(', ')}.`, {
        details: { fields: missing },
      });
    }
    return values;
  }

  /** The value a listed option stands for (a host field's sandboxes resolve to their origin). */
  #option(integration: IntegrationDefinition, field: CredentialField, value: string): string | undefined {
    if (field === hostField(integration)) return this.#regions.resolve(field, value);
    return field.options?.some((o) => o.value === value) ? value : undefined;
  }

  /** Proves the credentials work where they will be used; returns the context to store. */
  async #prove(
    integration: IntegrationDefinition,
    context: AccountContext,
  ): Promise<{ context: AccountContext; accountName?: string }> {
    const field = hostField(integration);
    if (field) return this.#regions.prove(integration, field, context);
    const origin = checkUpstreamOrigin(integration, context, this.#deps.allowedUpstreamOrigins);
    await this.#validate(integration, origin, context);
    return { context };
  }

  async #validate(
    integration: IntegrationDefinition,
    origin: string,
    context: AccountContext,
  ): Promise<void> {
    const outcome = await probeCredentials(integration, origin, context);
    if (outcome.kind === 'ok') return;
    if (outcome.kind === 'unauthorized') throw wrongKeys(integration);
    throw failure(
      outcome.kind === 'unreachable' ? 'UPSTREAM_UNAVAILABLE' : 'REMOTE_ERROR',
      'connection_error',
      outcome.kind,
      `We could not check your keys with ${integration.label}. Try again in a moment.`,
      { cause: outcome.message },
    );
  }

  async #create(record: LinkToken, integration: IntegrationDefinition, context: AccountContext) {
    const account = await this.#deps.accounts.create(record.environmentId, {
      integration: integration.name,
      tenant_id: record.tenantId,
      context,
    });
    if (account.status !== 'active') {
      // The vendor changed its mind between the check and the save: keep nothing.
      await this.#deps.accounts.delete(record.environmentId, account.id);
      throw failure(
        'UNPROCESSABLE',
        'validation_error',
        'rejected',
        account.lastError ?? `${integration.label} refused the credentials`,
      );
    }
    return account.id;
  }

  /**
   * Reconnect: the context is replaced by the new credentials (Truto's default; with
   * `persist_previous_context` the old keys stay under the new ones), then `Accounts.patch` validates
   * and moves the status back to active, emitting the lifecycle events.
   */
  async #relink(
    record: LinkToken,
    integration: IntegrationDefinition,
    previous: AccountContext,
    context: AccountContext,
  ): Promise<string> {
    const id = record.integratedAccountId!;
    const next = record.persistPreviousContext ? { ...previous, ...context } : context;
    await updateAccountRow(
      this.#deps.db,
      id,
      sealContext(this.#deps.keyring, next, secretNames(integration)),
    );
    const account = await this.#deps.accounts.patch(record.environmentId, id, { context: next });
    if (account.status !== 'active') {
      throw failure(
        'UNPROCESSABLE',
        'validation_error',
        'rejected',
        account.lastError ?? `${integration.label} refused the credentials`,
      );
    }
    return id;
  }

  /** The account a reconnect token replaces the credentials of (its context only when `open`). */
  async #reconnectTarget(record: LinkToken, open = true): Promise<{ context: AccountContext }> {
    const { environmentId, integratedAccountId } = record;
    try {
      if (!open) {
        await this.#deps.accounts.get(environmentId, integratedAccountId!);
        return { context: {} };
      }
      return {
        context: (await this.#deps.accounts.openForCall(environmentId, integratedAccountId!)).context,
      };
    } catch (error) {
      if (error instanceof SwitchboardError && error.code === 'NOT_FOUND')
        throw linkTokenError('account_gone');
      throw error;
    }
  }
}
