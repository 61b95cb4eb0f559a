/**
 * Environment integrations (Truto's `/environment-integration`): one environment's installation of an
 * integration — enabled or not, shown in the connect page's catalog or not, and for OAuth integrations the
 * environment's own OAuth app (client id, client secret sealed like account secrets, scopes, optional
 * authorize/token URL overrides for sandboxes and regional deployments). Every integration Switchboard
 * supports is installed in every environment: the rows are created on first read.
 */
import { randomUUID } from 'node:crypto';
import type { Keyring, SealedValue } from '../crypto/keyring.ts';
import { SwitchboardError } from '../errors.ts';
import type { OAuth2Auth } from '../integrations/kit/auth.ts';
import { originMatcher } from '../integrations/kit/define.ts';
import { findIntegration, listIntegrations } from '../integrations/registry.ts';
import { type IntegrationDefinition, oauthKindOf } from '../integrations/types.ts';
import type { Db } from '../store/database.ts';
import type { EnvironmentIntegrationTable } from '../store/schema.ts';
import { describeIntegration } from './describe.ts';

/** Whether the vendor serves OAuth at this URL's origin (its declared OAuth origins). */
export function servesOAuth(kind: OAuth2Auth, url: URL): boolean {
  return originMatcher(kind.oauthOrigins)(url);
}

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  authorizeUrl: string;
  tokenUrl: string;
}

export interface EnvironmentIntegrationPatch {
  is_enabled?: boolean;
  show_in_catalog?: boolean;
  oauth_app?: {
    client_id?: string | null;
    client_secret?: string | null;
    scopes?: string[] | null;
    authorize_url?: string | null;
    token_url?: string | null;
  };
}

export interface EnvironmentIntegrationsDeps {
  db: Db;
  keyring: Keyring;
  /** Origins an authorize/token URL override may use besides https (the operator's sandboxes). */
  allowedUpstreamOrigins: readonly string[];
}

export class EnvironmentIntegrations {
  readonly #deps: EnvironmentIntegrationsDeps;

  constructor(deps: EnvironmentIntegrationsDeps) {
    this.#deps = deps;
  }

  /** Every integration's installation in the environment (created on first read). */
  async list(environmentId: string): Promise<EnvironmentIntegrationTable[]> {
    let rows = await this.#rows(environmentId);
    const missing = listIntegrations().filter((i) => !rows.some((r) => r.integration === i.name));
    if (missing.length > 0) {
      const now = new Date().toISOString();
      await this.#deps.db
        .insertInto('environment_integrations')
        .values(
          missing.map((i) => ({
            id: randomUUID(),
            environment_id: environmentId,
            integration: i.name,
            is_enabled: 1,
            show_in_catalog: 1,
            oauth_client_id: null,
            oauth_client_secret: null,
            oauth_scopes: null,
            oauth_authorize_url: null,
            oauth_token_url: null,
            created_at: now,
            updated_at: now,
          })),
        )
        // Another request may have installed them first.
        .onConflict((oc) => oc.columns(['environment_id', 'integration']).doNothing())
        .execute();
      rows = await this.#rows(environmentId);
    }
    return rows.filter((r) => findIntegration(r.integration) !== undefined);
  }

  async get(environmentId: string, id: string): Promise<EnvironmentIntegrationTable> {
    const row = (await this.list(environmentId)).find((r) => r.id === id);
    if (!row)
      throw new SwitchboardError(
        'NOT_FOUND',
        `environment integration ${id} was not found in this environment`,
      );
    return row;
  }

  async byIntegration(environmentId: string, integration: string): Promise<EnvironmentIntegrationTable> {
    const row = (await this.list(environmentId)).find((r) => r.integration === integration);
    if (!row) throw new SwitchboardError('NOT_FOUND', `unknown integration "${integration}"`);
    return row;
  }

  /**
   * The integration an account may be created for: named directly, or by its environment integration's id
   * (Truto clients send `environment_integration_id`); refused while the environment has it disabled.
   */
  async usable(
    environmentId: string,
    reference: { integration?: string; environmentIntegrationId?: string },
  ): Promise<string> {
    const rows = await this.list(environmentId);
    const wanted = reference.integration ?? reference.environmentIntegrationId;
    const row = rows.find((r) =>
      reference.integration ? r.integration === wanted : r.id === wanted || r.integration === wanted,
    );
    if (!row) {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        wanted
          ? `unknown integration "${wanted}"; available: ${rows.map((r) => r.integration).join(', ')}`
          : 'name the integration (integration or environment_integration_id)',
      );
    }
    if (row.is_enabled !== 1) {
      throw new SwitchboardError('INVALID_REQUEST', `${row.integration} is disabled in this environment`);
    }
    return row.integration;
  }

  async update(
    environmentId: string,
    id: string,
    patch: EnvironmentIntegrationPatch,
  ): Promise<EnvironmentIntegrationTable> {
    const row = await this.get(environmentId, id);
    const integration = findIntegration(row.integration)!;
    const changes: Partial<EnvironmentIntegrationTable> = {};
    if (patch.is_enabled !== undefined) changes.is_enabled = patch.is_enabled ? 1 : 0;
    if (patch.show_in_catalog !== undefined) changes.show_in_catalog = patch.show_in_catalog ? 1 : 0;
    const app = patch.oauth_app;
    if (app) {
      if (!oauthKindOf(integration)) {
        throw new SwitchboardError('INVALID_REQUEST', `${integration.label} does not connect with OAuth`);
      }
      if (app.client_id !== undefined) changes.oauth_client_id = app.client_id || null;
      if (app.client_secret !== undefined) {
        changes.oauth_client_secret = app.client_secret
          ? JSON.stringify(this.#deps.keyring.seal(app.client_secret))
          : null;
      }
      if (app.scopes !== undefined) changes.oauth_scopes = app.scopes ? JSON.stringify(app.scopes) : null;
      const kind = oauthKindOf(integration)!;
      if (app.authorize_url !== undefined)
        changes.oauth_authorize_url = this.#checkedUrl(kind, 'authorize_url', app.authorize_url);
      if (app.token_url !== undefined)
        changes.oauth_token_url = this.#checkedUrl(kind, 'token_url', app.token_url);
    }
    await this.#deps.db
      .updateTable('environment_integrations')
      .set({ ...changes, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('environment_id', '=', environmentId)
      .execute();
    return this.get(environmentId, id);
  }

  /**
   * The environment's OAuth app for an integration, with the integration's own URLs and scopes where the
   * environment sets none; a 4xx naming what is missing when it is not set up.
   */
  async oauthApp(environmentId: string, integration: IntegrationDefinition): Promise<OAuthApp> {
    const kind = oauthKindOf(integration);
    if (!kind)
      throw new SwitchboardError('INVALID_REQUEST', `${integration.label} does not connect with OAuth`);
    const row = await this.byIntegration(environmentId, integration.name);
    if (!row.oauth_client_id || !row.oauth_client_secret) {
      throw new SwitchboardError(
        'OAUTH_APP_NOT_CONFIGURED',
        `${integration.label}'s OAuth app is not set up in this environment: PATCH /environment-integration/${row.id} ` +
          'with oauth_app.client_id and oauth_app.client_secret',
      );
    }
    return {
      clientId: row.oauth_client_id,
      clientSecret: this.#deps.keyring.open(JSON.parse(row.oauth_client_secret) as SealedValue),
      scopes: row.oauth_scopes ? (JSON.parse(row.oauth_scopes) as string[]) : kind.scopes,
      authorizeUrl: row.oauth_authorize_url ?? kind.authorizeUrl,
      tokenUrl: row.oauth_token_url ?? kind.tokenUrl,
    };
  }

  /** Truto's record shape; the client secret is never returned, only whether it is set. */
  toJson(row: EnvironmentIntegrationTable): Record<string, unknown> {
    const integration = findIntegration(row.integration)!;
    const oauth = oauthKindOf(integration);
    return {
      id: row.id,
      integration_id: integration.name,
      environment_id: row.environment_id,
      show_in_catalog: row.show_in_catalog === 1,
      is_enabled: row.is_enabled === 1,
      ...(oauth
        ? {
            oauth_app: {
              client_id: row.oauth_client_id,
              client_secret_set: row.oauth_client_secret !== null,
              scopes: row.oauth_scopes ? JSON.parse(row.oauth_scopes) : oauth.scopes,
              authorize_url: row.oauth_authorize_url ?? oauth.authorizeUrl,
              token_url: row.oauth_token_url ?? oauth.tokenUrl,
            },
          }
        : {}),
      created_at: row.created_at,
      updated_at: row.updated_at,
      integration: describeIntegration(integration),
    };
  }

  #rows(environmentId: string): Promise<EnvironmentIntegrationTable[]> {
    return this.#deps.db
      .selectFrom('environment_integrations')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .orderBy('integration')
      .execute();
  }

  /**
   * An override may only point where the vendor serves OAuth (its declared origins) or at an origin the
   * operator allowed (a sandbox): the token endpoint receives refresh tokens and the client secret, so no
   * API caller may steer it elsewhere.
   */
  #checkedUrl(kind: OAuth2Auth, name: string, value: string | null): string | null {
    if (value === null || value === '') return null;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new SwitchboardError('INVALID_REQUEST', `oauth_app.${name} is not a valid URL`);
    }
    if (url.username || url.password || url.hash) {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `oauth_app.${name} must not hold credentials or a fragment`,
      );
    }
    if (!this.#deps.allowedUpstreamOrigins.includes(url.origin) && !servesOAuth(kind, url)) {
      throw new SwitchboardError(
        'UPSTREAM_HOST_NOT_ALLOWED',
        `oauth_app.${name} must be on the vendor's own OAuth hosts (${kind.oauthOrigins.join(', ')}) ` +
          'or an origin the operator allows with SWITCHBOARD_ALLOW_UPSTREAM',
      );
    }
    return url.href;
  }
}
