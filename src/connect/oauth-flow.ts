/**
 * Linking by OAuth 2.0 from the hosted page:
 *
 * 1. `start`: the page (with its link token) asks for the vendor's authorize URL. A single-use `state`
 *    bound to the link token and a PKCE verifier are stored (the verifier sealed), valid for 10 minutes.
 *    Client-credentials integrations (no customer consent) get their token and link at once instead.
 * 2. The customer approves at the vendor, which redirects to `callback` (a fixed path on
 *    SWITCHBOARD_PUBLIC_URL) with `code` and `state`. The state is claimed atomically, the code exchanged
 *    (the vendor's quirks declared as data), values lifted from the token response into the context, and
 *    the account linked through the same `finish` as API keys — validated first, `active` only if that
 *    passes. The outcome is stored under a one-time handle and the browser is sent back to the page.
 * 3. `result`: the page reads the outcome with that handle and shows it as it would any link.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Keyring, SealedValue } from '../crypto/keyring.ts';
import {
  type EnvironmentIntegrations,
  type OAuthApp,
  servesOAuth,
} from '../environment-integrations/environment-integrations.ts';
import { SwitchboardError } from '../errors.ts';
import { fillTemplate } from '../integrations/kit/define.ts';
import { findIntegration } from '../integrations/registry.ts';
import { type AccountContext, type IntegrationDefinition, oauthKindOf } from '../integrations/types.ts';
import { GrantRevoked, requestToken, TokenEndpointUnavailable } from '../oauth/token-endpoint.ts';
import type { Db } from '../store/database.ts';
import type { ConnectFlow, LinkResult } from './flow.ts';
import type { LinkTokens } from './link-tokens.ts';
import { failure } from './region.ts';

const STATE_TTL_MS = 10 * 60 * 1000;
export const CALLBACK_PATH = '/connect/oauth/callback';

export interface OAuthFlowDeps {
  db: Db;
  keyring: Keyring;
  linkTokens: LinkTokens;
  flow: ConnectFlow;
  environmentIntegrations: EnvironmentIntegrations;
  allowedUpstreamOrigins: readonly string[];
  publicUrl(): string;
}

/** What the page is told after the vendor's redirect: the link result, or the error envelope. */
export type OAuthOutcome =
  | {
      ok: true;
      status: number;
      body: LinkResult & {
        integration_label: string;
        opener_origin: string | null;
        redirect_host: string | null;
      };
    }
  | { ok: false; status: number; body: Record<string, unknown> };

interface SealedState {
  code_verifier: string;
  context: AccountContext;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const random = (bytes: number) => randomBytes(bytes).toString('base64url');

export class OAuthFlow {
  readonly #deps: OAuthFlowDeps;

  constructor(deps: OAuthFlowDeps) {
    this.#deps = deps;
  }

  get redirectUri(): string {
    return `${this.#deps.publicUrl()}${CALLBACK_PATH}`;
  }

  /** The vendor's authorize URL to send the customer to, or (client credentials) the link itself. */
  async start(
    token: string,
    input: { integration?: string; context?: AccountContext },
  ): Promise<{ authorize_url: string } | LinkResult> {
    const record = await this.#deps.linkTokens.resolve(token);
    const integration = this.#deps.flow.integrationFor(record, input.integration);
    const kind = oauthKindOf(integration);
    if (!kind)
      throw new SwitchboardError('INVALID_REQUEST', `${integration.label} does not connect with OAuth`);
    const fields = this.#deps.flow.enteredFields(integration, kind.fields, record, input.context ?? {});
    const app = await this.#appFor(record.environmentId, integration);
    if (kind.grant === 'client_credentials') {
      const context = { ...fields, ...record.context };
      const { token: issued, lifted } = await this.#exchange(integration, app, context, {
        grant_type: 'client_credentials',
      });
      return this.#deps.flow.finish(record, integration, this.#accountContext(context, issued, lifted));
    }
    const entered = { ...fields, ...record.context };
    const url = new URL(fillTemplate(app.authorizeUrl, entered));
    if (!servesOAuth(kind, url) && !this.#deps.allowedUpstreamOrigins.includes(url.origin)) {
      throw new SwitchboardError(
        'UPSTREAM_HOST_NOT_ALLOWED',
        `${integration.label}'s authorize URL is not one it serves`,
      );
    }
    const state = random(32);
    const verifier = random(48);
    const now = Date.now();
    const sealed: SealedState = { code_verifier: verifier, context: fields };
    await this.#deps.db
      .insertInto('oauth_states')
      .values({
        id: random(12),
        state_hash: sha256(state),
        link_token_id: record.id,
        environment_id: record.environmentId,
        integration: integration.name,
        sealed: JSON.stringify(this.#deps.keyring.seal(JSON.stringify(sealed))),
        created_at: new Date(now).toISOString(),
        expires_at: new Date(now + STATE_TTL_MS).toISOString(),
        consumed_at: null,
        result_hash: null,
        result: null,
      })
      .execute();
    await this.#deps.db
      .deleteFrom('oauth_states')
      .where('expires_at', '<', new Date(now).toISOString())
      .execute();
    const params: Record<string, string> = {
      ...kind.authorizeParams,
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: this.redirectUri,
      state,
    };
    // Scopes may name the account's own resource (Dynamics: `{org_url}/.default`).
    if (app.scopes.length > 0)
      params['scope'] = app.scopes.map((scope) => fillTemplate(scope, entered)).join(kind.scopeSeparator);
    if (kind.pkce) {
      params['code_challenge'] = createHash('sha256').update(verifier).digest('base64url');
      params['code_challenge_method'] = 'S256';
    }
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return { authorize_url: url.href };
  }

  /**
   * The vendor's redirect: finishes the link and returns the handle the page reads the outcome with, or
   * undefined when the state is unknown, used or expired (nothing to tie the redirect to).
   */
  async callback(query: {
    code?: string;
    state?: string;
    error?: string;
    error_description?: string;
  }): Promise<string | undefined> {
    if (!query.state) return undefined;
    const row = await this.#deps.db
      .selectFrom('oauth_states')
      .selectAll()
      .where('state_hash', '=', sha256(query.state))
      .executeTakeFirst();
    if (!row || row.consumed_at || Date.parse(row.expires_at) <= Date.now()) return undefined;
    const claimed = await this.#deps.db
      .updateTable('oauth_states')
      .set({ consumed_at: new Date().toISOString() })
      .where('id', '=', row.id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return undefined;
    const outcome = await this.#finish(row.link_token_id, row.integration, row.sealed, query);
    const handle = random(32);
    await this.#deps.db
      .updateTable('oauth_states')
      .set({
        result_hash: sha256(handle),
        result: JSON.stringify(this.#deps.keyring.seal(JSON.stringify(outcome))),
      })
      .where('id', '=', row.id)
      .execute();
    return handle;
  }

  /** The outcome stored for a handle (readable until the state expires). */
  async result(handle: string): Promise<OAuthOutcome> {
    const row = await this.#deps.db
      .selectFrom('oauth_states')
      .select(['result', 'expires_at'])
      .where('result_hash', '=', sha256(handle))
      .executeTakeFirst();
    if (!row?.result || Date.parse(row.expires_at) <= Date.now()) {
      throw new SwitchboardError(
        'LINK_TOKEN_INVALID',
        'This sign-in has expired. Start again from the app.',
        {
          details: { error_type: 'invalid_token', reason: 'expired' },
        },
      );
    }
    return JSON.parse(this.#deps.keyring.open(JSON.parse(row.result) as SealedValue)) as OAuthOutcome;
  }

  async #finish(
    linkTokenId: string,
    integrationName: string,
    sealed: string,
    query: { code?: string; error?: string; error_description?: string },
  ): Promise<OAuthOutcome> {
    try {
      const record = await this.#deps.linkTokens.resolveById(linkTokenId);
      const integration = findIntegration(integrationName)!;
      const saved = JSON.parse(this.#deps.keyring.open(JSON.parse(sealed) as SealedValue)) as SealedState;
      if (query.error || !query.code) {
        throw failure(
          'UNPROCESSABLE',
          'validation_error',
          query.error === 'access_denied' ? 'access_denied' : 'authorization_failed',
          query.error === 'access_denied'
            ? `${integration.label} access was not allowed. Connect again and choose Allow.`
            : `${integration.label} did not authorize the connection${query.error ? ` (${query.error})` : ''}.`,
        );
      }
      const app = await this.#appFor(record.environmentId, integration);
      const context = { ...saved.context, ...record.context };
      const { token, lifted } = await this.#exchange(integration, app, context, {
        grant_type: 'authorization_code',
        code: query.code,
        redirect_uri: this.redirectUri,
        ...(oauthKindOf(integration)!.pkce ? { code_verifier: saved.code_verifier } : {}),
      });
      const result = await this.#deps.flow.finish(
        record,
        integration,
        this.#accountContext(context, token, lifted),
      );
      return {
        ok: true,
        status: result.reconnected ? 200 : 201,
        body: {
          ...result,
          integration_label: integration.label,
          opener_origin: record.openerOrigin,
          redirect_host: record.redirectUri ? new URL(record.redirectUri).host : null,
        },
      };
    } catch (error) {
      const envelope =
        error instanceof SwitchboardError
          ? error
          : new SwitchboardError('INTERNAL', 'the connection could not be completed; try again');
      return { ok: false, status: envelope.statusCode, body: envelope.toJSON() };
    }
  }

  async #appFor(environmentId: string, integration: IntegrationDefinition) {
    try {
      return await this.#deps.environmentIntegrations.oauthApp(environmentId, integration);
    } catch (error) {
      if (error instanceof SwitchboardError && error.code === 'OAUTH_APP_NOT_CONFIGURED') {
        throw failure(
          'UNPROCESSABLE',
          'connection_error',
          'not_configured',
          `Connecting ${integration.label} is not set up yet. Tell the app that sent you here.`,
        );
      }
      throw error;
    }
  }

  async #exchange(
    integration: IntegrationDefinition,
    app: OAuthApp,
    context: AccountContext,
    grant: Parameters<typeof requestToken>[0]['grant'],
  ) {
    try {
      return await requestToken({
        kind: oauthKindOf(integration)!,
        app,
        context,
        grant,
        label: integration.label,
      });
    } catch (error) {
      if (error instanceof TokenEndpointUnavailable) {
        throw failure(
          'UPSTREAM_UNAVAILABLE',
          'connection_error',
          'unreachable',
          `We could not reach ${integration.label} to finish connecting. Try again in a moment.`,
        );
      }
      const refused = error instanceof GrantRevoked || (error as Error).name === 'TokenRequestRefused';
      if (refused) {
        throw failure(
          'UNPROCESSABLE',
          'validation_error',
          'token_refused',
          `${integration.label} refused the connection. Try again.`,
        );
      }
      throw error;
    }
  }

  #accountContext(
    context: AccountContext,
    token: Awaited<ReturnType<typeof requestToken>>['token'],
    lifted: Record<string, string>,
  ): AccountContext {
    return { ...context, ...lifted, authentication_method: 'oauth2', oauth: { token } };
  }
}
