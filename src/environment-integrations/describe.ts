/** How `GET /integration` and the environment-integration records describe an integration. */
import type { IntegrationDefinition } from '../integrations/types.ts';

export function describeIntegration(integration: IntegrationDefinition): Record<string, unknown> {
  return {
    id: integration.name,
    name: integration.name,
    label: integration.label,
    category: integration.category,
    is_beta: false,
    docs_url: integration.docsUrl ?? null,
    auth_kinds: integration.auth.map((kind) =>
      kind.kind === 'oauth2'
        ? { kind: 'oauth2', grant: kind.grant, label: kind.label, scopes: kind.scopes }
        : { kind: 'api_key', label: kind.label, fields: kind.fields.map((f) => f.name) },
    ),
    unified_models: Object.keys(integration.unified),
    proxy_resources: Object.keys(integration.proxy),
  };
}
