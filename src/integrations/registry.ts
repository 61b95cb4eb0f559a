/** Every integration Switchboard knows, by name. */
import { SwitchboardError } from '../errors.ts';
import { capsule } from './capsule/integration.ts';
import { highlevel } from './highlevel/integration.ts';
import { hubspot } from './hubspot/integration.ts';
import { keap } from './keap/integration.ts';
import { leadsquared } from './leadsquared/integration.ts';
import type { IntegrationDefinition } from './types.ts';

const integrations = new Map<string, IntegrationDefinition>(
  [leadsquared, hubspot, keap, capsule, highlevel].map((i) => [i.name, i]),
);

export function listIntegrations(): IntegrationDefinition[] {
  return [...integrations.values()];
}

export function findIntegration(name: string): IntegrationDefinition | undefined {
  return integrations.get(name);
}

export function getIntegration(name: string): IntegrationDefinition {
  const found = integrations.get(name);
  if (!found) {
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `unknown integration "${name}"; available: ${[...integrations.keys()].join(', ')}`,
    );
  }
  return found;
}
