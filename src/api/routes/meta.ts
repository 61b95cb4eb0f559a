/**
 * What each (model, resource, method, integration) supports: its query parameters, which filters the
 * vendor applies and which Switchboard applies, sort fields and page sizes.
 * Truto's forms: `/unified/{model}/{resource}/{integration}/meta/{method}` and
 * `/unified/{model}/{resource}/meta/{method}?integrated_account_id=`.
 */
import { Type } from '@fastify/type-provider-typebox';
import { SwitchboardError } from '../../errors.ts';
import { findIntegration, listIntegrations } from '../../integrations/registry.ts';
import type { IntegrationDefinition } from '../../integrations/types.ts';
import type { Services } from '../../services.ts';
import type { ResourceSpec } from '../../unified/models.ts';
import { specOf } from '../../unified/service.ts';
import type { App } from '../app.ts';

const COMMON_QUERY = {
  integrated_account_id: { type: 'string', required: true },
  truto_response_format: { enum: ['unified', 'raw', 'normalized', 'stream'], default: 'unified' },
  truto_ignore_remote_data: { type: 'boolean' },
  truto_exclude_fields: { type: 'string[]', description: 'array or comma-separated' },
};

export function describeMethod(spec: ResourceSpec, integration: IntegrationDefinition, method: string) {
  const mapping = integration.unified[`${spec.model}/${spec.resource}`];
  if (method === 'get') {
    if (!mapping?.get) throw notSupported(spec, integration, method);
    return {
      method,
      model: spec.model,
      resource: spec.resource,
      integration: integration.name,
      query_schema: COMMON_QUERY,
    };
  }
  if (method !== 'list') {
    const write =
      method === 'create' || method === 'update' || method === 'delete'
        ? mapping?.[method]
        : mapping?.methods && Object.hasOwn(mapping.methods, method)
          ? mapping.methods[method]
          : undefined;
    if (!write) throw notSupported(spec, integration, method);
    return {
      method,
      model: spec.model,
      resource: spec.resource,
      integration: integration.name,
      description: write.description,
      query_schema: { integrated_account_id: COMMON_QUERY.integrated_account_id },
      request_body_schema: {
        type: 'object',
        properties: Object.fromEntries(
          Object.entries(write.body).map(([name, field]) => [
            name,
            {
              type: field.type,
              description: field.description,
              ...(field.alternative ? { or: field.alternative } : {}),
            },
          ]),
        ),
        required: Object.entries(write.body)
          .filter(([, field]) => field.required)
          .map(([name]) => name),
        additionalProperties: false,
      },
      idempotency_key: method === 'delete' ? 'not used on DELETE' : 'honoured (Idempotency-Key header)',
    };
  }
  const list = mapping?.list;
  if (!list) throw notSupported(spec, integration, method);
  // A filter only a vendor can apply is listed only where this vendor applies it.
  const filters = Object.fromEntries(
    Object.entries(spec.filters)
      .filter(([name, filter]) => !filter.vendorOnly || list.pushdown[name])
      .map(([name, filter]) => [
        name,
        {
          type: filter.type,
          operators: filter.ops,
          ...(filter.values ? { values: filter.values } : {}),
          description: filter.description,
          applied_by: list.pushdown[name]
            ? `vendor: ${list.pushdown[name]}${filter.vendorOnly ? '' : '; otherwise Switchboard'}`
            : 'switchboard',
        },
      ]),
  );
  return {
    method,
    model: spec.model,
    resource: spec.resource,
    integration: integration.name,
    query_schema: {
      ...COMMON_QUERY,
      limit: { type: 'integer', default: 100, maximum: list.maxPageSize },
      next_cursor: { type: 'string' },
      truto_key_by: { type: 'string' },
      truto_ignore_limit: {
        type: 'boolean',
        description: `use the vendor's largest page (${list.maxPageSize})`,
      },
      remote_query: { type: 'object', description: 'added untouched to the vendor call’s query string' },
      sort_by: {
        values: list.sortable.filter((f) => spec.sortBy.includes(f)),
        syntax: 'field (ascending) or -field (descending), comma-separated; or sort_by[field]=asc|desc',
      },
      ...filters,
    },
  };
}

function notSupported(
  spec: ResourceSpec,
  integration: IntegrationDefinition,
  method: string,
): SwitchboardError {
  return new SwitchboardError(
    'NOT_FOUND',
    `${integration.name} does not support ${method} on ${spec.model}/${spec.resource}`,
  );
}

const MetaParams = Type.Object({ model: Type.String(), resource: Type.String(), method: Type.String() });

export function registerMetaRoutes(app: App, services: Services): void {
  app.get(
    '/unified/:model/:resource/:integration/meta/:method',
    {
      schema: {
        tags: ['unified'],
        summary: 'What an integration supports for a unified method',
        params: Type.Object({
          model: Type.String(),
          resource: Type.String(),
          integration: Type.String(),
          method: Type.String(),
        }),
      },
    },
    async (request) => {
      const { model, resource, integration, method } = request.params;
      const definition = findIntegration(integration);
      if (!definition) {
        throw new SwitchboardError(
          'NOT_FOUND',
          `unknown integration ${integration}; available: ${listIntegrations()
            .map((i) => i.name)
            .join(', ')}`,
        );
      }
      return describeMethod(specOf(model, resource), definition, method);
    },
  );
  app.get(
    '/unified/:model/:resource/meta/:method',
    {
      schema: {
        tags: ['unified'],
        summary: 'What the account’s integration supports for a unified method',
        params: MetaParams,
        querystring: Type.Object({ integrated_account_id: Type.String({ minLength: 1 }) }),
      },
    },
    async (request) => {
      const account = await services.accounts.get(request.environmentId, request.query.integrated_account_id);
      const { model, resource, method } = request.params;
      return describeMethod(specOf(model, resource), findIntegration(account.integration)!, method);
    },
  );
}
