/**
 * Read-only user endpoints: Get Users, by id, by email, hierarchy, hierarchy information,
 * attributes (field metadata) and tags. AdvancedSearch has its own file (user-search.ts).
 */
import type { FastifyInstance } from 'fastify';
import { hash32, hashGuid } from '../../kit/random.ts';
import { DATA_TYPES } from '../data/custom-fields.ts';
import { DATA_ANCHOR, formatLsqDateTime } from '../data/dates.ts';
import { TAG_VALUES, USER_TAGS } from '../data/pools.ts';
import type { Tenant } from '../data/tenant.ts';
import { ROLE_SALES_USER } from '../data/user-store.ts';
import { endpoint } from '../http/endpoint.ts';
import { invalidInput } from '../http/errors.ts';
import { accountOf } from '../http/request-context.ts';
import { bodyObject, queryParam, sendJson, sendJsonChunks, sendValue } from '../http/respond.ts';
import { parseProjection, searchUserJson, userDetail, usersGetChunks } from '../views/user-views.ts';
import { requireUser } from './user-lookup.ts';

const UM = '/v2/UserManagement.svc';

/** Rosters up to this size are sent as one body with a Content-Length; larger ones are streamed. */
const STREAM_ABOVE = 20_000;

function tagsOf(t: Tenant, i: number): { key: string; value: string }[] {
  if (t.users.apiCreated[i]) return [];
  const h = hash32(t.seed, i, 301);
  const out: { key: string; value: string }[] = [];
  for (let k = 0; k < h % 3; k++) {
    out.push({
      key: USER_TAGS[(h >>> (4 + k * 8)) % USER_TAGS.length],
      value: TAG_VALUES[(h >>> (8 + k * 8)) % TAG_VALUES.length],
    });
  }
  return out;
}

const SYSTEM_ATTRIBUTES: readonly [string, string, number, boolean][] = [
  ['FirstName', 'First Name', DATA_TYPES.String, true],
  ['LastName', 'Last Name', DATA_TYPES.String, false],
  ['EmailAddress', 'Email Address', DATA_TYPES.String, true],
  ['Role', 'Role', DATA_TYPES.Dropdown, true],
  ['StatusCode', 'Status', DATA_TYPES.Number, false],
  ['AssociatedPhoneNumbers', 'Phone Number', DATA_TYPES.String, false],
  ['PhoneMain', 'Main Phone', DATA_TYPES.String, false],
  ['PhoneMobile', 'Mobile Phone', DATA_TYPES.String, false],
  ['EmployeeId', 'Employee Id', DATA_TYPES.String, false],
  ['Designation', 'Designation', DATA_TYPES.String, false],
  ['Department', 'Department', DATA_TYPES.String, false],
  ['Address', 'Address', DATA_TYPES.String, false],
  ['City', 'City', DATA_TYPES.String, false],
  ['State', 'State', DATA_TYPES.String, false],
  ['Country', 'Country', DATA_TYPES.String, false],
  ['ZipCode', 'Zip Code', DATA_TYPES.String, false],
  ['TimeZone', 'Time Zone', DATA_TYPES.Dropdown, false],
  ['CreatedBy', 'Created By', DATA_TYPES.String, false],
  ['CreatedOn', 'Created On', DATA_TYPES.DateTime, false],
  ['ModifiedOn', 'Modified On', DATA_TYPES.DateTime, false],
];

/** Get User Attributes: user field metadata; `Options` is a JSON string, not an array. */
function userAttributes(t: Tenant): Record<string, unknown>[] {
  const owner = t.users.idOf(0);
  const created = formatLsqDateTime(DATA_ANCHOR - 6 * 365 * 86400);
  const base = (
    k: number,
    schema: string,
    display: string,
    dataType: number,
    mandatory: boolean,
    custom: boolean,
  ) => ({
    BaseTable: 'User_Base',
    CanUserEdit:
      schema !== 'CreatedBy' && schema !== 'CreatedOn' && schema !== 'ModifiedOn' && schema !== 'StatusCode',
    Category: custom ? 'Custom' : 'System',
    CreatedBy: owner,
    CreatedByName: 'System',
    CreatedOn: created,
    DataType: dataType,
    DisplayName: display,
    Id: hashGuid(t.seed, k, 400),
    InternalSchemaName: custom ? `mx_Custom_${k - SYSTEM_ATTRIBUTES.length + 1}` : schema,
    SchemaName: schema,
    IsHidden: false,
    IsMandatory: mandatory,
    MaxLength: dataType === DATA_TYPES.String ? 250 : null,
    ModifiedBy: owner,
    ModifiedByName: 'System',
    ModifiedOn: created,
    Options: null as string | null,
  });
  const system = SYSTEM_ATTRIBUTES.map(([schema, display, type, mandatory], k) =>
    base(k, schema, display, type, mandatory, false),
  );
  const custom = t.customFields.map((def, n) => {
    const attr = base(
      SYSTEM_ATTRIBUTES.length + n,
      def.schemaName,
      def.displayName,
      def.dataType,
      false,
      true,
    );
    if (def.options) {
      attr.Options = JSON.stringify(
        def.options.map((v, order) => ({ IsDefault: order === 0, Text: null, Value: v, Order: order + 1 })),
      );
    }
    return attr;
  });
  return [...system, ...custom];
}

export function registerUserReadRoutes(app: FastifyInstance): void {
  endpoint(app, ['GET'], `${UM}/Users.Get`, (request, reply) => {
    const t = accountOf(request).tenant;
    if (t.users.count <= STREAM_ABOVE) return sendJson(request, reply, 200, [...usersGetChunks(t)].join(''));
    return sendJsonChunks(request, reply, usersGetChunks(t));
  });

  // By id / by email: a one-element array, or [] when the user is unknown or inactive.
  endpoint(app, ['GET'], `${UM}/User/Retrieve/ByUserId`, (request, reply) => {
    const t = accountOf(request).tenant;
    const i = t.users.indexOfId(queryParam(request, 'userId'));
    return sendValue(request, reply, t.isActive(i) ? [userDetail(t, i)] : []);
  });

  endpoint(app, ['GET'], `${UM}/User/Retrieve/ByEmailAddress`, (request, reply) => {
    const t = accountOf(request).tenant;
    const i = t.users.indexOfEmail(queryParam(request, 'emailAddress'));
    return sendValue(request, reply, t.isActive(i) ? [userDetail(t, i)] : []);
  });

  // Every user below the manager (whole subtree) as bare id strings; no UserId = the key owner.
  endpoint(app, ['GET'], `${UM}/ReportingHierarchy/RetrieveAllReportingUsers`, (request, reply) => {
    const account = accountOf(request);
    const t = account.tenant;
    const id = queryParam(request, 'UserId');
    const manager = id ? requireUser(t, id, 'UserId') : account.owner;
    return sendValue(
      request,
      reply,
      t.reportsOf(manager).map((i) => t.users.idOf(i)),
    );
  });

  // UNCONFIRMED path and shape (reference §2.10): AdvancedSearch-shaped records of the user's
  // hierarchy, or, with user hierarchy switched off, of the sales users in the groups they manage.
  endpoint(
    app,
    ['GET', 'POST'],
    `${UM}/ReportingHierarchy/RetrieveHierarchyInformation`,
    (request, reply) => {
      const account = accountOf(request);
      const t = account.tenant;
      const body = bodyObject(request);
      const id = queryParam(request, 'UserId') ?? (body.UserId as string | undefined);
      const user = id ? requireUser(t, id, 'UserId') : account.owner;
      const projection = parseProjection(
        t,
        (body.Columns as Record<string, unknown> | undefined)?.Include_CSV,
      );
      let members: number[];
      if (t.hierarchyEnabled) members = t.reportsOf(user);
      else {
        const managed = t.groups.flatMap((g, k) => (!g.deleted && g.managerFlags.has(user) ? [k] : []));
        const seen = new Set<number>();
        for (const g of managed) {
          for (const i of t.groupMembers(g))
            if (i !== user && t.users.role[i] === ROLE_SALES_USER) seen.add(i);
        }
        members = [...seen].sort((a, b) => a - b);
      }
      const users = members.map((i) => searchUserJson(t, i, projection));
      return sendJson(
        request,
        reply,
        200,
        users.length ? `{"RecordCount":${users.length},"Users":[${users.join(',')}]}` : '{"RecordCount":0}',
      );
    },
  );

  endpoint(app, ['POST'], `${UM}/User/Attribute/Retrieve`, (request, reply) => {
    const t = accountOf(request).tenant;
    const parameter = bodyObject(request).Parameter as Record<string, unknown> | undefined;
    let attributes = userAttributes(t);
    if (parameter && parameter.LookupValue !== undefined && String(parameter.LookupValue).trim() !== '') {
      if (String(parameter.LookupName ?? 'SchemaName') !== 'SchemaName') {
        throw invalidInput('Invalid Input! Parameter Name: LookupName');
      }
      const wanted = new Set(
        String(parameter.LookupValue)
          .split(',')
          .map((s) => s.trim().toLowerCase()),
      );
      attributes = attributes.filter(
        (a) =>
          wanted.has(String(a.InternalSchemaName).toLowerCase()) ||
          wanted.has(String(a.SchemaName).toLowerCase()),
      );
    }
    return sendValue(request, reply, { TotalUserAttributes: attributes.length, UserAttributes: attributes });
  });

  // Lower-case key/value pairs; [] for inactive or unknown users.
  endpoint(app, ['GET'], `${UM}/Retrieve/GetTags`, (request, reply) => {
    const t = accountOf(request).tenant;
    const i = t.users.indexOfId(queryParam(request, 'userId'));
    return sendValue(request, reply, t.isActive(i) ? tagsOf(t, i) : []);
  });
}
