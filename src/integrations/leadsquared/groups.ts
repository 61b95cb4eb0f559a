/**
 * LeadSquared sales groups (`group_type: group`) and teams (`group_type: team`, with their parent) as
 * `user-directory/groups`. Neither API pages, so Switchboard pages the combined list itself. Where the
 * sales-group API is unavailable (plan-gated), groups are rebuilt from users' `MemberOfGroups`.
 */
import type { Caller, UnifiedRecord, UnifiedResourceMapping } from '../../unified/types.ts';
import { lsqToIso } from './dates.ts';
import {
  CREATE_GROUP_FIELDS,
  changeMembership,
  createGroup,
  deleteGroup,
  MEMBERSHIP_FIELDS,
  REMOVE_MEMBERSHIP_FIELDS,
} from './groups-write.ts';
import { salesGroups, teams } from './lookups.ts';

interface GroupRecord {
  kind: 'group' | 'team';
  record: Record<string, unknown>;
}

async function allGroups(caller: Caller): Promise<GroupRecord[]> {
  const [groups, teamList] = await Promise.all([salesGroups(caller), teams(caller)]);
  const sales: GroupRecord[] = groups
    ? groups.map((g) => ({ kind: 'group', record: g as unknown as Record<string, unknown> }))
    : await groupsFromMemberships(caller);
  return [
    ...sales,
    ...teamList.map((t) => ({ kind: 'team' as const, record: t as unknown as Record<string, unknown> })),
  ];
}

async function groupsFromMemberships(caller: Caller): Promise<GroupRecord[]> {
  const response = await caller.call({ method: 'GET', path: '/UserManagement.svc/Users.Get' });
  const names = new Set<string>();
  for (const user of (response.body as Array<{ MemberOfGroups?: string[] }>) ?? []) {
    for (const name of user.MemberOfGroups ?? []) names.add(name);
  }
  return [...names]
    .sort()
    .map((name) => ({ kind: 'group', record: { GroupId: name, Name: name, Source: 'MemberOfGroups' } }));
}

function toGroup({ kind, record }: GroupRecord): UnifiedRecord {
  if (kind === 'team') {
    return {
      id: String(record['TeamId']),
      name: String(record['Name'] ?? ''),
      description: (record['Description'] as string) || null,
      group_type: 'team',
      parent_id: (record['ParentId'] as string) ?? null,
      member_count: typeof record['UserCount'] === 'number' ? record['UserCount'] : null,
      created_at: null,
      updated_at: lsqToIso(record['ModifiedOn']),
      remote_data: record,
    };
  }
  const count = Number(record['UserCount']);
  return {
    id: String(record['GroupId']),
    name: String(record['Name'] ?? ''),
    description: (record['Description'] as string) || null,
    group_type: 'group',
    parent_id: null,
    member_count: Number.isFinite(count) ? count : null,
    created_at: lsqToIso(record['CreatedOn']),
    updated_at: null,
    remote_data: record,
  };
}

export const directoryGroups: UnifiedResourceMapping = {
  list: {
    maxPageSize: 1000,
    sortable: [],
    pushdown: {},
    plan: async () => ({ pushed: [], first: 0 }),
    async fetchPage(caller, _query, state, pageSize) {
      const all = await allGroups(caller);
      const offset = state as number;
      const records = all.slice(offset, offset + pageSize);
      return {
        records,
        raw: records.map((r) => r.record),
        next: offset + pageSize < all.length ? offset + pageSize : undefined,
      };
    },
  },
  async get(caller, id) {
    return (await allGroups(caller)).find((g) => toGroup(g).id === id);
  },
  create: {
    description: 'UserGroup.svc/Create (sales groups only)',
    body: CREATE_GROUP_FIELDS,
    run: (caller, { body }) => createGroup(caller, body),
  },
  delete: {
    description: 'UserGroup.svc/Delete (sales groups only; LeadSquared cannot delete teams)',
    body: {},
    run: (caller, { id }) => deleteGroup(caller, id),
  },
  methods: {
    'add-user': {
      description:
        'a team: moves the users at once; a sales group: AddUsers, asynchronous → a pending async request',
      body: MEMBERSHIP_FIELDS,
      run: (caller, { body }) => changeMembership(caller, body, 'add'),
    },
    'remove-user': {
      description: 'a sales group: RemoveUsers, asynchronous → a pending async request',
      body: REMOVE_MEMBERSHIP_FIELDS,
      run: (caller, { body }) => changeMembership(caller, body, 'remove'),
    },
  },
  mapper: async () => (record) => toGroup(record as GroupRecord),
};
