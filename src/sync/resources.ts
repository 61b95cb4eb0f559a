/**
 * Which unified resources a sync reads: any the integration can list, named in full (`user-directory/users`)
 * or by resource name alone (`users`, looked up in `user-directory` first). By default, the integration's
 * `user-directory` resources (users, groups, roles), or every listable resource if it has none.
 */
import { SwitchboardError } from '../errors.ts';
import type { IntegrationDefinition } from '../integrations/types.ts';
import { RESOURCE_SPECS } from '../unified/models.ts';

const PREFERRED_MODEL = 'user-directory';
/** The order a run reads resources in: people first (the resource most events come from). */
const ORDER = ['users', 'groups', 'roles'];

export function listableResources(integration: IntegrationDefinition): string[] {
  return Object.entries(integration.unified)
    .filter(([key, mapping]) => mapping.list && RESOURCE_SPECS[key])
    .map(([key]) => key);
}

function sortResources(keys: string[]): string[] {
  const rank = (key: string) => {
    const i = ORDER.indexOf(key.split('/')[1] ?? '');
    return i === -1 ? ORDER.length : i;
  };
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function defaultResources(integration: IntegrationDefinition): string[] {
  const listable = listableResources(integration);
  const preferred = listable.filter((key) => key.startsWith(`${PREFERRED_MODEL}/`));
  return sortResources(preferred.length > 0 ? preferred : listable);
}

/** Resolves the requested names (or the default set); a 400 names what the integration cannot sync. */
export function resolveResources(
  integration: IntegrationDefinition,
  requested: string[] | undefined,
): string[] {
  if (requested === undefined || requested.length === 0) {
    const defaults = defaultResources(integration);
    if (defaults.length === 0) {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `${integration.name} has no resources that can be synced`,
      );
    }
    return defaults;
  }
  const listable = listableResources(integration);
  const resolved = new Set<string>();
  for (const name of requested) {
    const key = name.includes('/')
      ? name
      : (listable.find((k) => k === `${PREFERRED_MODEL}/${name}`) ??
        listable.find((k) => k.endsWith(`/${name}`)));
    if (!key || !listable.includes(key)) {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `${integration.name} cannot sync "${name}"; it can sync ${listable.join(', ')}`,
      );
    }
    resolved.add(key);
  }
  return sortResources([...resolved]);
}

/** The resource whose records are people (semantic `user:*` events): user-directory users, else CRM users. */
export function peopleResource(resources: string[]): string | undefined {
  return resources.find((r) => r === 'user-directory/users') ?? resources.find((r) => r.endsWith('/users'));
}
