/**
 * LeadSquared users as `user-directory/users` and `crm/users` (reference §8), both read through User
 * Advanced Search. Pushed down: names, email, status (eq/ne/like), team membership. Applied by Switchboard:
 * dates (no date operators are documented for user search), sales-group membership, `in` lists, full name.
 */

import { SwitchboardError } from '../../errors.ts';
import type { Caller, Condition, UnifiedRecord, UnifiedResourceMapping } from '../../unified/types.ts';
import { lsqToIso } from './dates.ts';
import { type SalesGroup, salesGroups, type Team, teams } from './lookups.ts';
import { ROLES } from './role-names.ts';
import {
  fetchSearchPage,
  MAX_PAGE_SIZE,
  planSearch,
  type SearchState,
  SORTABLE,
  searchUserById,
  toLsqCondition,
} from './search.ts';
import {
  CREATE_FIELDS,
  createUser,
  idFromBody,
  setActive,
  UPDATE_FIELDS,
  updateUser,
} from './users-write.ts';

type LsqUser = Record<string, unknown>;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** StatusCode is a number in Users.Get and a string in Advanced Search: compare as text (reference §1.6). */
export function statusOf(user: LsqUser): string {
  const code = String(user['StatusCode'] ?? '');
  if (code === '0') return 'active';
  if (code === '1') return 'inactive';
  return code || 'unknown';
}

/** Group membership arrives in three shapes (reference §1.6): names as CSV, names array, or {Id, Name}. */
function groupNames(user: LsqUser): Array<{ id?: string; name: string }> {
  const groups = user['Groups'] ?? user['MemberOfGroups'];
  if (typeof groups === 'string') {
    return groups
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
      .map((name) => ({ name }));
  }
  if (Array.isArray(groups)) {
    return groups.map((g) =>
      typeof g === 'string'
        ? { name: g }
        : { id: String((g as SalesGroup & { Id?: string }).Id ?? ''), name: String(g.Name ?? '') },
    );
  }
  return [];
}

function fullName(user: LsqUser): string {
  return [text(user['FirstName']), text(user['LastName'])].filter(Boolean).join(' ');
}

interface Lookups {
  groupIdByName: Map<string, string> | undefined;
  teamById: Map<string, Team>;
}

async function loadLookups(caller: Caller): Promise<Lookups> {
  const [groups, teamList] = await Promise.all([salesGroups(caller), teams(caller)]);
  return {
    groupIdByName: groups && new Map(groups.map((g) => [g.Name, g.GroupId])),
    teamById: new Map(teamList.map((t) => [t.TeamId, t])),
  };
}

export function toDirectoryUser(user: LsqUser, lookups: Lookups): UnifiedRecord {
  const phones = [
    ['PhoneMain', 'work'],
    ['PhoneMobile', 'mobile'],
    ['PhoneOthers', 'other'],
  ]
    .filter(([key]) => text(user[key!]))
    .map(([key, type]) => ({ number: user[key!] as string, extension: null, type }));
  const role = text(user['Role']);
  const groups: Array<{ id: string; name: string; type: string }> = groupNames(user).map((g) => ({
    // Without the sales-group API (plan-gated) a group is known by its name only.
    id: g.id || lookups.groupIdByName?.get(g.name) || g.name,
    name: g.name,
    type: 'group',
  }));
  const teamId = text(user['TeamId']);
  if (teamId) {
    groups.push({
      id: teamId,
      name: text(user['TeamName']) ?? lookups.teamById.get(teamId)?.Name ?? '',
      type: 'team',
    });
  }
  const email = text(user['EmailAddress']);
  return {
    id: String(user['UserId'] ?? user['ID']),
    first_name: text(user['FirstName']),
    last_name: text(user['LastName']),
    name: fullName(user),
    emails: email ? [{ email, type: 'work', is_primary: true }] : [],
    phones,
    title: text(user['Designation']),
    status: statusOf(user),
    roles: role ? [{ id: role, name: ROLES[role]?.name ?? role }] : [],
    groups,
    manager_id: text(user['ManagerUserId']),
    timezone: text(user['TimeZone']),
    created_at: lsqToIso(user['CreatedOn']),
    updated_at: lsqToIso(user['ModifiedOn']),
    remote_data: user,
  };
}

export function toCrmUser(user: LsqUser): UnifiedRecord {
  return {
    id: String(user['UserId'] ?? user['ID']),
    name: fullName(user),
    first_name: text(user['FirstName']),
    last_name: text(user['LastName']),
    email: text(user['EmailAddress']),
    is_active: statusOf(user) === 'active',
    created_at: lsqToIso(user['CreatedOn']),
    updated_at: lsqToIso(user['ModifiedOn']),
    remote_data: user,
  };
}

const STATUS_CODE: Record<string, string> = { active: '0', inactive: '1', true: '0', false: '1' };

async function pushTeamFilter(caller: Caller, condition: Condition) {
  // group_id=<team id> is a TeamId condition; a sales-group id is checked by Switchboard on the mapped user.
  if (condition.op !== 'eq' || Array.isArray(condition.value)) return undefined;
  const isTeam = (await teams(caller)).some((t) => t.TeamId === condition.value);
  return isTeam ? { LookupName: 'TeamId', Operator: 'eq' as const, LookupValue: condition.value } : undefined;
}

export const directoryUsers: UnifiedResourceMapping = {
  list: {
    maxPageSize: MAX_PAGE_SIZE,
    sortable: SORTABLE,
    pushdown: {
      first_name: 'eq, ne, like → Advanced Search FirstName eq/neq/lik',
      last_name: 'eq, ne, like → Advanced Search LastName eq/neq/lik',
      email: 'eq, ne, like → Advanced Search EmailAddress eq/neq/lik',
      status: 'eq, ne → Advanced Search StatusCode eq/neq',
      group_id: 'eq with a team id → Advanced Search TeamId eq (sales groups: Switchboard)',
    },
    async plan(caller, query) {
      const teamTerms = new Map<Condition, Awaited<ReturnType<typeof pushTeamFilter>>>();
      for (const c of query.conditions)
        if (c.field === 'group_id') teamTerms.set(c, await pushTeamFilter(caller, c));
      return planSearch(query.conditions, (c) =>
        c.field === 'group_id'
          ? teamTerms.get(c)
          : toLsqCondition(
              c,
              { first_name: 'FirstName', last_name: 'LastName', email: 'EmailAddress', status: 'StatusCode' },
              (field, value) => (field === 'status' ? STATUS_CODE[value]! : value),
            ),
      );
    },
    fetchPage: (caller, query, state, pageSize) =>
      fetchSearchPage(caller, state as SearchState, query.sort, pageSize),
  },
  get: (caller, id) => searchUserById(caller, id),
  create: {
    description: 'User/Create; title is set right after with User/Update (Create takes no Designation)',
    body: CREATE_FIELDS,
    run: (caller, { body }) => createUser(caller, body),
  },
  update: {
    description: 'User/Update; manager_id through UpdateReportingManagerInBulk; email cannot change',
    body: UPDATE_FIELDS,
    run: (caller, { id, body }) => updateUser(caller, id, body),
  },
  delete: {
    description: 'LeadSquared never deletes users: this deactivates the user (User/Deactivate)',
    body: {},
    run: async (caller, { id }) => {
      await setActive(caller, id, false);
    },
  },
  methods: {
    activate: {
      description: 'User/Activate → the user, active',
      body: { id: { type: 'string', description: 'the user id', required: true } },
      run: async (caller, { body }) =>
        toDirectoryUser(await setActive(caller, idFromBody(body), true), await loadLookups(caller)),
    },
    deactivate: {
      description: 'User/Deactivate → the user, inactive (their API keys stop working)',
      body: { id: { type: 'string', description: 'the user id', required: true } },
      run: async (caller, { body }) =>
        toDirectoryUser(await setActive(caller, idFromBody(body), false), await loadLookups(caller)),
    },
  },
  async mapper(caller) {
    const lookups = await loadLookups(caller);
    return (record) => toDirectoryUser(record as LsqUser, lookups);
  },
};

export const crmUsers: UnifiedResourceMapping = {
  list: {
    maxPageSize: MAX_PAGE_SIZE,
    sortable: SORTABLE,
    pushdown: {
      email: 'eq, ne, like → Advanced Search EmailAddress eq/neq/lik',
      is_active: 'eq → Advanced Search StatusCode eq',
    },
    async plan(_caller, query) {
      return planSearch(query.conditions, (c) =>
        toLsqCondition(c, { email: 'EmailAddress', is_active: 'StatusCode' }, (field, value) =>
          field === 'is_active' ? STATUS_CODE[value]! : value,
        ),
      );
    },
    fetchPage: (caller, query, state, pageSize) =>
      fetchSearchPage(caller, state as SearchState, query.sort, pageSize),
  },
  get: (caller, id) => searchUserById(caller, id),
  update: {
    description:
      'first_name/last_name through User/Update; is_active through User/Activate or User/Deactivate',
    body: {
      first_name: { type: 'string', description: 'FirstName' },
      last_name: { type: 'string', description: 'LastName' },
      is_active: { type: 'boolean', description: 'false deactivates, true activates' },
    },
    async run(caller, { id, body }) {
      const { is_active, ...names } = body;
      if (is_active !== undefined && typeof is_active !== 'boolean') {
        throw new SwitchboardError('INVALID_REQUEST', 'is_active must be true or false');
      }
      let user = Object.keys(names).length > 0 ? await updateUser(caller, id, names) : undefined;
      if (is_active !== undefined) user = await setActive(caller, id, is_active);
      if (!user)
        throw new SwitchboardError(
          'INVALID_REQUEST',
          'nothing to update: send first_name, last_name or is_active',
        );
      return user;
    },
  },
  mapper: async () => (record) => toCrmUser(record as LsqUser),
};
