/** Every integration Switchboard knows, by name (LeadSquared and HubSpot first, then the CRMs by name). */
import { SwitchboardError } from '../errors.ts';
import { accelo } from './accelo/integration.ts';
import { activecampaign } from './activecampaign/integration.ts';
import { attio } from './attio/integration.ts';
import { capsule } from './capsule/integration.ts';
import { close } from './close/integration.ts';
import { dynamics365 } from './dynamics365/integration.ts';
import { freshsales } from './freshsales/integration.ts';
import { highlevel } from './highlevel/integration.ts';
import { hubspot } from './hubspot/integration.ts';
import { insightly } from './insightly/integration.ts';
import { keap } from './keap/integration.ts';
import { leadsquared } from './leadsquared/integration.ts';
import { mondaycrm } from './mondaycrm/integration.ts';
import { nutshell } from './nutshell/integration.ts';
import { onepagecrm } from './onepagecrm/integration.ts';
import { outreach } from './outreach/integration.ts';
import { pipedrive } from './pipedrive/integration.ts';
import { pipeliner } from './pipeliner/integration.ts';
import { planhat } from './planhat/integration.ts';
import { salesflare } from './salesflare/integration.ts';
import { salesforce } from './salesforce/integration.ts';
import { teamleader } from './teamleader/integration.ts';
import type { IntegrationDefinition } from './types.ts';
import { wix } from './wix/integration.ts';
import { zendesksell } from './zendesksell/integration.ts';
import { zohocrm } from './zohocrm/integration.ts';

const integrations = new Map<string, IntegrationDefinition>(
  [
    leadsquared,
    hubspot,
    accelo,
    activecampaign,
    attio,
    capsule,
    close,
    dynamics365,
    freshsales,
    highlevel,
    insightly,
    keap,
    mondaycrm,
    nutshell,
    onepagecrm,
    outreach,
    pipedrive,
    pipeliner,
    planhat,
    salesflare,
    salesforce,
    teamleader,
    wix,
    zendesksell,
    zohocrm,
  ].map((i) => [i.name, i]),
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
