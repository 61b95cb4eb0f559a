/** Every integration Switchboard knows, by name. */
import { SwitchboardError } from '../errors.ts';
import { hubspot } from './hubspot/integration.ts';
import { leadsquared } from './leadsquared/integration.ts';
import { mondaycrm } from './mondaycrm/integration.ts';
import { outreach } from './outreach/integration.ts';
import type { IntegrationDefinition } from './types.ts';
import { zendesksell } from './zendesksell/integration.ts';

const integrations = new Map<string, IntegrationDefinition>([leadsquared, hubspot].map((i) => [i.name, i]));
for (const crm of [zendesksell, outreach, mondaycrm]) integrations.set(crm.name, crm);

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
