/**
 * `POST /link-token` (Truto-compatible): a product's backend mints a single-use, 7-day token for one end
 * customer, then sends them to `link_url` (or opens it with the link SDK). `{ tenant_id }` links a new
 * account; `{ integrated_account_id }` reconnects an existing one and keeps its id.
 */
import { Type } from '@fastify/type-provider-typebox';
import type { LinkTokens } from '../../connect/link-tokens.ts';
import { SwitchboardError } from '../../errors.ts';
import { getIntegration } from '../../integrations/registry.ts';
import type { Services } from '../../services.ts';
import type { App } from '../app.ts';

const tags = ['link tokens'];

const LinkTokenBody = Type.Object(
  {
    tenant_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    integrated_account_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    integration: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'skip the integration picker' }),
    ),
    redirect_uri: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'http(s) URL the page sends the customer to afterwards, with ?integrated_account_id=…',
      }),
    ),
    opener_origin: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 300,
        description:
          "origin the page may postMessage the result to (default: the redirect_uri's origin, else the link SDK's page)",
      }),
    ),
    context: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'merged over what the customer enters (wins on conflicts); fields it sets are not asked',
      }),
    ),
    persist_previous_context: Type.Optional(
      Type.Boolean({ description: 'reconnect: keep the old context under the new values (default false)' }),
    ),
    // Accepted for Truto compatibility; Switchboard has no use for them.
    scopes: Type.Optional(Type.Array(Type.String())),
    environment_unified_model_id: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    region: Type.Optional(Type.String()),
    truto_static_gate_id: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

function httpUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SwitchboardError('INVALID_REQUEST', `${name} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SwitchboardError('INVALID_REQUEST', `${name} must be an http(s) URL, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new SwitchboardError('INVALID_REQUEST', `${name} must not carry credentials`);
  }
  return url;
}

function origin(raw: string): string {
  const url = httpUrl('opener_origin', raw);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new SwitchboardError('INVALID_REQUEST', 'opener_origin must be an origin (scheme://host[:port])');
  }
  return url.origin;
}

export function registerLinkTokenRoutes(app: App, services: Services, linkTokens: LinkTokens): void {
  app.post(
    '/link-token',
    {
      schema: {
        tags,
        summary: 'Create a link token for the hosted connect page (single use, expires after 7 days)',
        body: LinkTokenBody,
      },
    },
    async (request, reply) => {
      const body = request.body;
      if ((body.tenant_id === undefined) === (body.integrated_account_id === undefined)) {
        throw new SwitchboardError(
          'INVALID_REQUEST',
          'send tenant_id to link a new account, or integrated_account_id to reconnect one (not both)',
        );
      }
      let tenantId = body.tenant_id;
      let integration = body.integration ? getIntegration(body.integration).name : null;
      if (body.integrated_account_id !== undefined) {
        const account = await services.accounts.get(request.environmentId, body.integrated_account_id);
        if (integration && integration !== account.integration) {
          throw new SwitchboardError(
            'INVALID_REQUEST',
            `integrated account ${account.id} is a ${account.integration} account, not ${integration}`,
          );
        }
        tenantId = account.tenantId;
        integration = account.integration;
      }
      if (body.persist_previous_context !== undefined && body.integrated_account_id === undefined) {
        throw new SwitchboardError('INVALID_REQUEST', 'persist_previous_context applies to reconnects only');
      }
      const redirect = body.redirect_uri ? httpUrl('redirect_uri', body.redirect_uri) : undefined;
      const { token, record } = await linkTokens.create(request.environmentId, {
        tenantId: tenantId!,
        integration,
        integratedAccountId: body.integrated_account_id ?? null,
        redirectUri: redirect?.href ?? null,
        openerOrigin: body.opener_origin ? origin(body.opener_origin) : (redirect?.origin ?? null),
        context: body.context ?? null,
        persistPreviousContext: body.persist_previous_context ?? false,
      });
      // The token travels in the URL fragment: browsers never send it to a server or in a Referer.
      const linkUrl = `${services.publicUrl()}/connect#link_token=${encodeURIComponent(token)}`;
      return reply.code(201).send({ link_token: token, link_url: linkUrl, expires_at: record.expiresAt });
    },
  );
}
