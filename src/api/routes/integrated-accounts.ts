/** Truto-compatible integrated-account routes: create, list (cursor), get, patch (context merge), delete. */
import { Type } from '@fastify/type-provider-typebox';
import { accountToJson } from '../../accounts/accounts.ts';
import { SwitchboardError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { openCaller } from '../../upstream/account-caller.ts';
import type { App } from '../app.ts';
import { decodeKeyset, keysetPage } from '../cursor.ts';
import { LimitQuery, listLimit } from '../list-limit.ts';

const Context = Type.Record(Type.String(), Type.Unknown(), { description: 'credentials and configuration' });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const tags = ['integrated accounts'];

export function registerIntegratedAccountRoutes(app: App, services: Services): void {
  const { accounts, keyring, environmentIntegrations } = services;
  app.post(
    '/integrated-account/refresh-credentials',
    {
      schema: {
        tags,
        summary: 'Refresh an OAuth account’s tokens now (Truto’s refresh-credentials)',
        body: Type.Object(
          { id: Type.String({ minLength: 1, maxLength: 100 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const caller = await openCaller(services, request.environmentId, request.body.id);
      const kind = caller.integration.authKindOf(caller.target.context);
      if (kind.kind !== 'oauth2') {
        throw new SwitchboardError(
          'INVALID_REQUEST',
          `integrated account ${request.body.id} connects with ${kind.label}, which has no tokens to refresh`,
        );
      }
      await services.upstream.tokens.refresh(caller.target, kind, undefined, 'forced');
      return { success: true };
    },
  );

  app.post(
    '/integrated-account',
    {
      schema: {
        tags,
        summary: 'Link a customer account (credentials are validated against the vendor)',
        body: Type.Object(
          {
            integration: Type.Optional(Type.String({ minLength: 1 })),
            environment_integration_id: Type.Optional(Type.String({ minLength: 1 })),
            tenant_id: Type.String({ minLength: 1, maxLength: 200 }),
            context: Context,
          },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      const { integration, environment_integration_id, tenant_id, context } = request.body;
      const account = await accounts.create(request.environmentId, {
        integration: await environmentIntegrations.usable(request.environmentId, {
          integration,
          environmentIntegrationId: environment_integration_id,
        }),
        tenant_id,
        context,
      });
      return reply.code(201).send(accountToJson(account));
    },
  );

  app.get(
    '/integrated-account',
    {
      schema: {
        tags,
        summary: 'List linked accounts',
        querystring: Type.Object({
          tenant_id: Type.Optional(Type.String()),
          integration: Type.Optional(Type.String()),
          limit: LimitQuery,
          next_cursor: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const { tenant_id, integration, next_cursor } = request.query;
      const limit = listLimit(request.query.limit);
      const after = decodeKeyset(keyring, next_cursor);
      const page = await accounts.list({
        environmentId: request.environmentId,
        tenantId: tenant_id,
        integration,
        limit,
        after,
      });
      return keysetPage(
        keyring,
        { items: page.accounts, hasMore: page.hasMore },
        limit,
        (a) => ({ createdAt: a.createdAt, id: a.id }),
        accountToJson,
      );
    },
  );

  app.get(
    '/integrated-account/:id',
    { schema: { tags, summary: 'Get a linked account', params: IdParams } },
    async (request) => accountToJson(await accounts.get(request.environmentId, request.params.id)),
  );

  app.patch(
    '/integrated-account/:id',
    {
      schema: {
        tags,
        summary: 'Update an account (top-level merge of context; changed credentials are re-validated)',
        params: IdParams,
        body: Type.Object({
          context: Type.Optional(Context),
          tenant_id: Type.Optional(Type.String({ minLength: 1 })),
          rate_limit: Type.Optional(
            Type.Union(
              [
                Type.Object(
                  {
                    calls: Type.Integer({ minimum: 1, maximum: 100_000 }),
                    window_seconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
                  },
                  { additionalProperties: false },
                ),
                Type.Null(),
              ],
              {
                description:
                  "the account's own vendor rate limit (e.g. its LeadSquared plan); null = the integration's policy",
              },
            ),
          ),
        }),
      },
    },
    async (request) =>
      accountToJson(await accounts.patch(request.environmentId, request.params.id, request.body)),
  );

  app.delete(
    '/integrated-account/:id',
    { schema: { tags, summary: 'Unlink an account', params: IdParams } },
    async (request) => {
      await accounts.delete(request.environmentId, request.params.id);
      return { id: request.params.id };
    },
  );
}
