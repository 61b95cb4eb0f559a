/**
 * The three user shapes LeadSquared returns, quirks included:
 *  - Users.Get: `ID`, integer `StatusCode`, `MemberOfGroups` (names; key left out when none).
 *  - By id / by email: typed values, `Groups: [{Id, Name}]`, `TeamId`/`TeamName`, mx_Custom_1..10 ("" when unset).
 *  - AdvancedSearch: every attribute key, values as strings (`StatusCode: "0"`, `IsAdministrator: "true"`),
 *    unrequested ones null, `Groups` a comma-joined string, `Team` always null.
 * Users.Get and AdvancedSearch are written as JSON text directly: they are the hot paths.
 */
import type { Tenant } from '../data/tenant.ts';
import type { FieldValue, Role } from '../data/user-store.ts';
import { ROLES } from '../data/user-store.ts';
import { invalidInput } from '../http/errors.ts';
import { INVALID_ATTRIBUTES_MESSAGE } from '../search/conditions.ts';
import { type RowWriter, rowWriter } from './search-row.ts';

function groupRefs(t: Tenant, i: number): { Id: string; Name: string }[] {
  return t.users.groupsOf(i).map((g) => ({ Id: t.groups[g].id, Name: t.groups[g].name }));
}

function value(t: Tenant, i: number, name: string): FieldValue {
  return t.field(name)?.get(t, i) ?? null;
}

/** Users.Get element as JSON text. */
export function usersGetItemJson(t: Tenant, i: number): string {
  const u = t.users;
  const groups =
    u.group1[i] >= 0 ? `,"MemberOfGroups":${JSON.stringify(u.groupsOf(i).map((g) => t.groups[g].name))}` : '';
  return (
    `{"ID":"${u.idOf(i)}","FirstName":${JSON.stringify(u.firstNameOf(i))},"LastName":${JSON.stringify(u.lastNameOf(i))}` +
    `,"EmailAddress":${JSON.stringify(u.emailOf(i))},"Role":"${ROLES[u.role[i]]}","StatusCode":${u.status[i]}${groups}` +
    `,"Tag":${JSON.stringify(value(t, i, 'Tag'))},"IsPhoneCallAgent":${value(t, i, 'IsPhoneCallAgent') === true}}`
  );
}

/** Users.Get body in chunks, so a million-user roster never becomes one giant string. */
export function* usersGetChunks(t: Tenant, chunkSize = 2000): Generator<string> {
  const u = t.users;
  let first = true;
  let chunk = '[';
  let inChunk = 0;
  for (let i = 0; i < u.count; i++) {
    if (u.obsolete[i]) continue;
    chunk += (first ? '' : ',') + usersGetItemJson(t, i);
    first = false;
    if (++inChunk === chunkSize) {
      yield chunk;
      chunk = '';
      inChunk = 0;
    }
  }
  yield `${chunk}]`;
}

const DETAIL_FIELDS = [
  'UserId',
  'FirstName',
  'LastName',
  'EmailAddress',
  'AssociatedPhoneNumbers',
  'PhoneMain',
  'PhoneMobile',
  'PhoneOthers',
  'DateFormat',
  'TimeZone',
  'Role',
  'IsPhoneCallAgent',
  'UserType',
] as const;

const DETAIL_FIELDS_2 = [
  'ManagerUserId',
  'ManagerName',
  'Address',
  'City',
  'State',
  'Country',
  'ZipCode',
  'TelephonyAgentId',
  'IsCheckedIn',
  'LastCheckedOn',
  'LastCheckedIpAddress',
  'AvailabilityStatus',
  'Designation',
  'Department',
  'OfficeLocationName',
  'Skills',
  'SalesRegions',
] as const;

/** Get User by Id / by Email element. */
export function userDetail(t: Tenant, i: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of DETAIL_FIELDS) out[name] = value(t, i, name);
  out.IsPhoneCallAgent = out.IsPhoneCallAgent === true;
  out.UserType = Number(out.UserType ?? 0);
  out.OrgId = t.orgId;
  out.CompanyName = t.orgName;
  for (const name of DETAIL_FIELDS_2) out[name] = value(t, i, name);
  out.IsCheckedIn = out.IsCheckedIn === true;
  for (let n = 1; n <= 10; n++) {
    const v = n <= t.customFields.length ? value(t, i, `mx_Custom_${n}`) : null;
    out[`mx_Custom_${n}`] = v === null ? '' : String(v);
  }
  out.Groups = groupRefs(t, i);
  const team = t.teams.teams[t.users.team[i]];
  out.TeamId = team.id;
  out.TeamName = team.name;
  return out;
}

export interface SearchProjection {
  /** 1 where the attribute (by position in tenant.fields) gets its value; 0 = null. */
  selected: Uint8Array;
  /** The compiled row writer, looked up on first use. */
  writer?: RowWriter;
}

/** Include_CSV: listed attributes get values, the rest come back null; `*` selects all. */
export function parseProjection(t: Tenant, includeCsv: unknown): SearchProjection {
  const selected = new Uint8Array(t.fields.length);
  const csv = includeCsv === undefined || includeCsv === null ? '*' : String(includeCsv);
  const names = csv
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0 || names.includes('*')) {
    selected.fill(1);
    return { selected };
  }
  for (const name of names) {
    const field = t.field(name);
    // TeamName is no attribute of this endpoint; ManagerName is one that may not be requested.
    if (!field || field.notSelectable) throw invalidInput(INVALID_ATTRIBUTES_MESSAGE);
    selected[t.fields.indexOf(field)] = 1;
  }
  // ManagerName comes back whenever ManagerUserId is requested.
  const managerId = t.fields.findIndex((f) => f.name === 'ManagerUserId');
  if (selected[managerId]) selected[t.fields.findIndex((f) => f.name === 'ManagerName')] = 1;
  return { selected };
}

/** AdvancedSearch element as JSON text. */
export function searchUserJson(t: Tenant, i: number, projection: SearchProjection): string {
  projection.writer ??= rowWriter(t, projection.selected);
  return projection.writer(t, i);
}

/** Everything the sandbox knows about a user, typed; for tests comparing against unified results. */
export interface UserSnapshot {
  UserId: string;
  FirstName: string | null;
  LastName: string | null;
  EmailAddress: string;
  Role: Role;
  StatusCode: 0 | 1;
  IsObsolete: boolean;
  ManagerUserId: string | null;
  TeamId: string;
  TeamName: string;
  CreatedOn: string;
  ModifiedOn: string;
  Groups: { Id: string; Name: string }[];
  /** Every attribute by schema name (as AdvancedSearch names them), with natural types. */
  attributes: Record<string, FieldValue>;
}

export function userSnapshot(t: Tenant, i: number): UserSnapshot {
  const attributes: Record<string, FieldValue> = {};
  for (const f of t.fields) attributes[f.name] = f.get(t, i);
  const u = t.users;
  return {
    UserId: u.idOf(i),
    FirstName: u.firstNameOf(i),
    LastName: u.lastNameOf(i),
    EmailAddress: u.emailOf(i),
    Role: ROLES[u.role[i]],
    StatusCode: u.status[i] === 1 ? 1 : 0,
    IsObsolete: u.obsolete[i] === 1,
    ManagerUserId: u.manager[i] >= 0 ? u.idOf(u.manager[i]) : null,
    TeamId: t.teams.teams[u.team[i]].id,
    TeamName: t.teams.teams[u.team[i]].name,
    CreatedOn: String(attributes.CreatedOn),
    ModifiedOn: String(attributes.ModifiedOn),
    Groups: groupRefs(t, i),
    attributes,
  };
}
