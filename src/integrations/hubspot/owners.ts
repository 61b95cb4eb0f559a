/**
 * HubSpot owners as `crm/users`. `archived=true` returns only archived owners, so a list without an
 * `is_active` filter walks the active owners first, then the archived ones. Pushed down: `email` (eq),
 * `is_active` (eq). Applied by Switchboard: everything else. HubSpot does not sort.
 */
import { SwitchboardError } from '../../errors.ts';
import type { Caller, Condition, UnifiedResourceMapping } from '../../unified/types.ts';

interface Owner {
  id: string;
  email?: string | null;
  type?: string;
  firstName?: string | null;
  lastName?: string | null;
  archived?: boolean;
  createdAt?: string;
  updatedAt?: string;
}

interface OwnersState {
  archived: boolean;
  /** Walk the archived owners after the active ones (no is_active filter). */
  thenArchived: boolean;
  after?: string;
  email?: string;
}

function pushable(c: Condition): boolean {
  return c.op === 'eq' && !Array.isArray(c.value) && (c.field === 'email' || c.field === 'is_active');
}

async function fetchOwners(caller: Caller, state: OwnersState, limit: number) {
  const response = await caller.call({
    method: 'GET',
    path: '/crm/v3/owners',
    query: { limit, after: state.after, archived: state.archived, email: state.email },
  });
  const body = response.body as { results?: Owner[]; paging?: { next?: { after?: string } } };
  // Queues are owners that are not people who log in.
  const records = (body?.results ?? []).filter((o) => o.type !== 'QUEUE');
  const after = body?.paging?.next?.after;
  let next: OwnersState | undefined;
  if (after) next = { ...state, after };
  else if (state.thenArchived) next = { archived: true, thenArchived: false, email: state.email };
  return { records, raw: body, next };
}

export const crmUsers: UnifiedResourceMapping = {
  list: {
    maxPageSize: 500,
    sortable: [],
    pushdown: { email: 'eq → owners `email`', is_active: 'eq → owners `archived`' },
    async plan(_caller, query) {
      const pushed = query.conditions.filter(pushable);
      const email = pushed.find((c) => c.field === 'email')?.value as string | undefined;
      const active = pushed.find((c) => c.field === 'is_active')?.value as string | undefined;
      const first: OwnersState =
        active === undefined
          ? { archived: false, thenArchived: true, email }
          : { archived: active === 'false', thenArchived: false, email };
      return { pushed, first };
    },
    fetchPage: (caller, _query, state, pageSize) => fetchOwners(caller, state as OwnersState, pageSize),
  },
  async get(caller, id) {
    for (const archived of [false, true]) {
      try {
        const response = await caller.call({
          method: 'GET',
          path: `/crm/v3/owners/${encodeURIComponent(id)}`,
          query: { archived },
        });
        return response.body;
      } catch (error) {
        if (!(error instanceof SwitchboardError && error.statusCode === 404)) throw error;
      }
    }
    return undefined;
  },
  mapper: async () => (record) => {
    const owner = record as Owner;
    return {
      id: String(owner.id),
      name: [owner.firstName, owner.lastName].filter(Boolean).join(' '),
      first_name: owner.firstName ?? null,
      last_name: owner.lastName ?? null,
      email: owner.email ?? null,
      is_active: owner.archived !== true,
      created_at: owner.createdAt ?? null,
      updated_at: owner.updatedAt ?? null,
      remote_data: owner,
    };
  },
};
