/**
 * LeadSquared's own resources for the proxy API (`/proxy/{resource}`), one upstream call per request.
 * The caller's query parameters are forwarded to GET endpoints as they are.
 */
import { SwitchboardError } from '../../errors.ts';
import { none } from '../kit/paginate/index.ts';
import type {
  GetDefinition,
  ListDefinition,
  ProxyQuery,
  ProxyResource,
  ProxyWrite,
} from '../kit/resource.ts';
import { MAX_PAGE_SIZE, searchBody, searchPaging } from './search.ts';

function forwarded(query: ProxyQuery): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string')
      throw new SwitchboardError('INVALID_REQUEST', `query parameter ${key} must be a single value`);
    out[key] = value;
  }
  return out;
}

function keyOf(key: string) {
  return (body: unknown): unknown[] => {
    const list = (body as Record<string, unknown> | null)?.[key];
    // LeadSquared leaves the list key out when there are no rows.
    return Array.isArray(list) ? list : [];
  };
}

/** A GET endpoint that returns everything at once. */
function wholeList(
  path: string,
  records: (body: unknown) => unknown[],
  required: string[] = [],
): ListDefinition<unknown> {
  return {
    request: ({ query }) => {
      for (const name of required) {
        if (!query[name])
          throw new SwitchboardError('INVALID_REQUEST', `query parameter ${name} is required`);
      }
      return { method: 'GET', path, query: forwarded(query) };
    },
    paginator: none(),
    records,
  };
}

/** A POST search paged by Switchboard. */
function pagedSearch(
  path: string,
  body: (page: number, size: number) => unknown,
  key: string,
  max: number,
): ListDefinition<unknown> {
  return {
    maxPageSize: max,
    request: () => ({ method: 'POST', path, body: body(1, 100) }),
    paginator: searchPaging as ListDefinition<unknown>['paginator'],
    records: keyOf(key),
  };
}

/** A GET by id answering a one-element array, or `[]` when there is none (or the user is inactive). */
function byQuery(path: string, param: string): GetDefinition {
  return {
    request: ({ id, query }) => ({ method: 'GET', path, query: { ...forwarded(query), [param]: id } }),
    record: (body) => (Array.isArray(body) ? body[0] : body && typeof body === 'object' ? body : undefined),
  };
}

/** POST the caller's body to a path (ids, when the vendor wants them in the query, go there). */
function post(path: string, idParam?: string): ProxyWrite {
  return {
    request: ({ id, body, query }) => ({
      method: 'POST',
      path,
      query: { ...forwarded(query), ...(idParam && id !== undefined ? { [idParam]: id } : {}) },
      body: body ?? {},
    }),
  };
}

/** A custom method whose target id travels in the body as `{ "UserId": … }` but in the vendor's query. */
function userAction(path: string): ProxyWrite {
  return {
    request: ({ body, query }) => {
      const id = (body as { UserId?: unknown } | undefined)?.UserId;
      if (typeof id !== 'string' || !id)
        throw new SwitchboardError('INVALID_REQUEST', 'send { "UserId": "…" }');
      return { method: 'POST', path, query: { ...forwarded(query), userId: id } };
    },
  };
}

export const leadsquaredProxy: Record<string, ProxyResource> = {
  users: {
    description:
      'Users.Get (whole roster, thin records); get = User/Retrieve/ByUserId ([] for inactive users → 404)',
    list: wholeList('/UserManagement.svc/Users.Get', (body) => (Array.isArray(body) ? body : [])),
    get: byQuery('/UserManagement.svc/User/Retrieve/ByUserId', 'userId'),
    create: post('/UserManagement.svc/User/Create'),
    update: post('/UserManagement.svc/User/Update', 'UserId'),
    methods: {
      activate: userAction('/UserManagement.svc/User/Activate'),
      deactivate: userAction('/UserManagement.svc/User/Deactivate'),
      'mark-obsolete': userAction('/UserManagement.svc/User/MarkObsolete'),
      'bulk-update': post('/UserManagement.svc/User/Bulk/Update'),
      'update-managers': post('/UserManagement.svc/UpdateReportingManagerInBulk'),
      notify: post('/UserManagement.svc/NotifyUsers'),
    },
  },
  'users-by-email': {
    description: 'User/Retrieve/ByEmailAddress (id = the email address)',
    get: byQuery('/UserManagement.svc/User/Retrieve/ByEmailAddress', 'emailAddress'),
  },
  'user-search': {
    description:
      'User/AdvancedSearch over all users, every attribute, sorted by UserId, paged by Switchboard',
    list: pagedSearch(
      '/UserManagement.svc/User/AdvancedSearch',
      (page, size) => searchBody([], [], page, size),
      'Users',
      MAX_PAGE_SIZE,
    ),
  },
  'user-hierarchy': {
    description:
      'ReportingHierarchy/RetrieveAllReportingUsers (ids of everyone below a manager; id = manager UserId)',
    get: {
      request: ({ id, query }) => ({
        method: 'GET',
        path: '/UserManagement.svc/ReportingHierarchy/RetrieveAllReportingUsers',
        query: { ...forwarded(query), UserId: id },
      }),
    },
  },
  'user-attributes': {
    description: 'User/Attribute/Retrieve (user field metadata and custom fields)',
    list: {
      request: () => ({ method: 'POST', path: '/UserManagement.svc/User/Attribute/Retrieve', body: {} }),
      paginator: none(),
      records: keyOf('UserAttributes'),
    },
  },
  'user-tags': {
    description: 'Retrieve/GetTags (id = UserId)',
    get: {
      request: ({ id }) => ({
        method: 'GET',
        path: '/UserManagement.svc/Retrieve/GetTags',
        query: { userId: id },
      }),
    },
  },
  'sales-groups': {
    description: 'UserGroup.svc/Retrieve (optional UserId query: only that user’s groups)',
    list: wholeList('/UserGroup.svc/Retrieve', keyOf('UserGroups')),
    create: post('/UserGroup.svc/Create'),
    delete: {
      request: ({ id }) => ({ method: 'POST', path: '/UserGroup.svc/Delete', body: { groupId: id } }),
    },
    methods: {
      'add-users': post('/UserGroup.svc/AddUsers'),
      'remove-users': post('/UserGroup.svc/RemoveUsers'),
    },
  },
  'sales-group-users': {
    description: 'UserGroup.svc/RetrieveUsers (GroupId query required), with the six manager flags',
    list: wholeList('/UserGroup.svc/RetrieveUsers', keyOf('GroupUsers'), ['GroupId']),
  },
  teams: {
    description: 'TeamManagement.svc/Retrieve (getHierarchical=true nests ChildTeams)',
    list: wholeList('/TeamManagement.svc/Retrieve', keyOf('Teams')),
    create: post('/TeamManagement.svc/Create'),
    update: {
      request: ({ id, body }) => ({
        method: 'POST',
        path: '/TeamManagement.svc/Update',
        body: { ...(body as Record<string, unknown>), Code: id },
      }),
    },
  },
  'permission-templates': {
    description: 'PermissionTemplate.svc/Retrieve (all templates, paged by Switchboard)',
    list: pagedSearch(
      '/PermissionTemplate.svc/Retrieve',
      (page, size) => ({
        Parameter: { SearchText: ' ' },
        Sorting: { ColumnName: 'ModifiedOn', Direction: 1 },
        Paging: { PageIndex: page, PageSize: size },
      }),
      'List',
      1000,
    ),
    create: post('/PermissionTemplate.svc/Create'),
    update: post('/PermissionTemplate.svc/Update', 'Id'),
    delete: {
      request: ({ id }) => ({ method: 'POST', path: '/PermissionTemplate.svc/Delete', query: { Id: id } }),
    },
    methods: {
      apply: post('/PermissionTemplate.svc/Apply'),
      remove: {
        request: ({ body }) => ({
          method: 'POST',
          path: '/PermissionTemplate.svc/Apply',
          query: { overWriteAll: 'true' },
          body,
        }),
      },
      overwrite: post('/PermissionTemplate.svc/OverridePermissionTemplate'),
    },
  },
  availability: {
    description:
      'the key owner’s check-in and check-out (User/CheckIn, User/CheckOut); history is a POST search',
    methods: {
      'check-in': post('/UserManagement.svc/User/CheckIn'),
      'check-out': post('/UserManagement.svc/User/CheckOut'),
      history: post('/UserManagement.svc/User/GetCheckinCheckoutHistory'),
    },
  },
  'checkin-status': {
    description: 'User/CheckinStatus (id = UserId)',
    get: {
      request: ({ id }) => ({
        method: 'GET',
        path: '/UserManagement.svc/User/CheckinStatus',
        query: { UserId: id },
      }),
    },
  },
  'work-day': {
    description: 'User/GetWorkDayDetails (id = UserId; date=yyyy-MM-dd query required)',
    get: {
      request: ({ id, query }) => {
        if (!query['date'])
          throw new SwitchboardError('INVALID_REQUEST', 'query parameter date (yyyy-MM-dd) is required');
        return {
          method: 'GET',
          path: '/UserManagement.svc/User/GetWorkDayDetails',
          query: { ...forwarded(query), userId: id },
        };
      },
    },
  },
  whoami: {
    description: 'Authentication.svc/UserByAccessKey.Get (the key owner; id is ignored, use "me")',
    get: {
      request: () => ({ method: 'GET', path: '/Authentication.svc/UserByAccessKey.Get' }),
    },
  },
};
