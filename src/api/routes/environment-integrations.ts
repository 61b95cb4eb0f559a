/**
 * What Switchboard supports (`GET /integration`) and each environment's installation of it (Truto's
 * `/environment-integration`: list, get, update), where an environment sets its OAuth app.
 */
import { Type } from '@fastify/type-provider-typebox';
import { describeIntegration } from '../../environment-integrations/describe.ts';
import { SwitchboardError } from '../../errors.ts';
import { findIntegration, listIntegrations } from '../../integrations/registry.ts';
import type { Services } from '../../services.ts';
import type { App } from '../app.ts';

const tags = ['integrations'];
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const Flag = Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')]));

export function registerEnvironmentIntegrationRoutes(app: App, { environmentIntegrations }: Services): void {
  app.get(
    '/integration',
    { schema: { tags, summary: 'The integrations Switchboard supports, with their auth kinds' } },
    async () => ({ result: listIntegrations().map(describeIntegration), next_cursor: null }),
  );

  app.get(
    '/integration/:id',
    { schema: { tags, summary: 'One supported integration', params: IdParams } },
    async (request) => {
      const integration = findIntegration(request.params.id);
      if (!integration)
        throw new SwitchboardError('NOT_FOUND', `Switchboard has no integration "${request.params.id}"`);
      return describeIntegration(integration);
    },
  );

  app.get(
    '/environment-integration',
    {
      schema: {
        tags,
        summary: 'This environment’s integrations (every supported integration is installed)',
        querystring: Type.Object(
          {
            integration_id: Type.Optional(Type.String()),
            is_enabled: Flag,
            show_in_catalog: Flag,
            'integration.name': Type.Optional(Type.String()),
            'integration.category': Type.Optional(Type.String()),
            // Truto clients page every list; this one fits in one page.
            limit: Type.Optional(Type.String()),
            next_cursor: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const rows = (await environmentIntegrations.list(request.environmentId)).filter((row) => {
        const integration = findIntegration(row.integration)!;
        if (q.integration_id !== undefined && row.integration !== q.integration_id) return false;
        if (q['integration.name'] !== undefined && row.integration !== q['integration.name']) return false;
        if (q['integration.category'] !== undefined && integration.category !== q['integration.category'])
          return false;
        if (q.is_enabled !== undefined && (row.is_enabled === 1) !== (q.is_enabled === 'true')) return false;
        if (q.show_in_catalog !== undefined && (row.show_in_catalog === 1) !== (q.show_in_catalog === 'true'))
          return false;
        return true;
      });
      return {
        result: rows.map((row) => environmentIntegrations.toJson(row)),
        next_cursor: null,
        result_count: rows.length,
      };
    },
  );

  app.get(
    '/environment-integration/:id',
    { schema: { tags, summary: 'One environment integration', params: IdParams } },
    async (request) =>
      environmentIntegrations.toJson(
        await environmentIntegrations.get(request.environmentId, request.params.id),
      ),
  );

  app.patch(
    '/environment-integration/:id',
    {
      schema: {
        tags,
        summary: 'Enable or disable an integration, or set its OAuth app (the client secret is write-only)',
        params: IdParams,
        body: Type.Object(
          {
            is_enabled: Type.Optional(Type.Boolean()),
            show_in_catalog: Type.Optional(Type.Boolean()),
            oauth_app: Type.Optional(
              Type.Object(
                {
                  client_id: Type.Optional(
                    Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()]),
                  ),
                  client_secret: Type.Optional(
                    Type.Union([Type.String({ minLength: 1, maxLength: 2000 }), Type.Null()]),
                  ),
                  scopes: Type.Optional(
                    Type.Union([
                      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100 }),
                      Type.Null(),
                    ]),
                  ),
                  authorize_url: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
                  token_url: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
                },
                { additionalProperties: false },
              ),
            ),
            override: Type.Optional(Type.Unknown()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      if (request.body.override !== undefined) {
        throw new SwitchboardError(
          'INVALID_REQUEST',
          'Switchboard does not apply integration config overrides; set the OAuth app with oauth_app ' +
            '(client_id, client_secret, scopes, authorize_url, token_url)',
        );
      }
      const { override: _, ...patch } = request.body;
      const row = await environmentIntegrations.update(request.environmentId, request.params.id, patch);
      return environmentIntegrations.toJson(row);
    },
  );
}
