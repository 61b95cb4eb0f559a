/** LeadSquared roles are a fixed enum (reference §1.9): the role's API value is its id. */
import type { UnifiedResourceMapping } from '../../unified/types.ts';
import { ROLES } from './role-names.ts';

const records = Object.keys(ROLES).map((Role) => ({ Role }));

export const directoryRoles: UnifiedResourceMapping = {
  list: {
    maxPageSize: 1000,
    sortable: [],
    pushdown: {},
    plan: async () => ({ pushed: [], first: 0 }),
    fetchPage: async () => ({ records, raw: records, next: undefined }),
  },
  get: async (_caller, id) => records.find((r) => r.Role === id),
  mapper: async () => (record) => {
    const role = (record as { Role: string }).Role;
    return {
      id: role,
      name: ROLES[role]!.name,
      label: role,
      description: ROLES[role]!.description,
      type: 'system',
      created_at: null,
      updated_at: null,
      remote_data: record,
    };
  },
};
