/**
 * Every user attribute, in the order AdvancedSearch returns them, with how to read it.
 * Generated users derive most attributes from (seed, index) on demand; values written through the
 * API take precedence (`overrides`). API-created users have only what was written.
 */

import { hash32, pick } from '../../kit/random.ts';
import type { CustomFieldDef } from './custom-fields.ts';
import { formatLsqDateTime } from './dates.ts';
import {
  DEPARTMENTS,
  DESIGNATIONS,
  OFFICES,
  PLACES,
  SALES_REGIONS,
  SKILLS,
  STREETS,
  USER_TAGS,
} from './pools.ts';
import type { Tenant } from './tenant.ts';
import { AVAILABILITY, type FieldValue, ROLE_ADMINISTRATOR, ROLES } from './user-store.ts';

export interface UserField {
  name: string;
  /** The attribute with its natural JSON type (detail views, snapshots, search comparisons). */
  get(t: Tenant, i: number): FieldValue;
  /** Numeric sort key for dates and numbers, so sorting never parses text. */
  sortNumber?(t: Tenant, i: number): number;
  /** AdvancedSearch answers 500 when Include_CSV names it (ManagerName, TeamName). */
  notSelectable?: boolean;
  /**
   * Its value can hold text written through the API for another record (a group or manager
   * name), so it is always JSON-escaped. Other attributes of a user without written values are
   * generated text that never needs escaping (see views/search-row.ts).
   */
  escapeAlways?: boolean;
  /** Derived attributes: the generator and its hash salt, so the row writer can call it directly. */
  derive?: { salt: number; generate: (t: Tenant, i: number, h: number) => FieldValue };
}

/** Reads a derived attribute: API-written value, else (for generated users) the generator's. */
function derived(
  name: string,
  salt: number,
  generate: (t: Tenant, i: number, h: number) => FieldValue,
): UserField {
  return {
    name,
    derive: { salt, generate },
    get(t, i) {
      const users = t.users;
      if (users.overrides.size > 0) {
        const written = users.override(i, name);
        if (written !== undefined) return written;
      }
      return users.apiCreated[i] ? null : generate(t, i, hash32(users.seed, i, salt));
    },
  };
}

/** Reads an attribute that only the API can set. */
function written(name: string): UserField {
  return { name, get: (t, i) => t.users.override(i, name) ?? null };
}

function place(t: Tenant, i: number): (typeof PLACES)[number] {
  return pick(PLACES, hash32(t.users.seed, i, 7));
}

function mobile(h: number): string {
  return `+91-${6000000000 + (h % 3999999999)}`;
}

const BASE_FIELDS: UserField[] = [
  // Index order is id order, so the index is UserId's sort key.
  { name: 'UserId', get: (t, i) => t.users.idOf(i), sortNumber: (_t, i) => i },
  { name: 'FirstName', get: (t, i) => t.users.firstNameOf(i) },
  written('MiddleName'),
  { name: 'LastName', get: (t, i) => t.users.lastNameOf(i) },
  { name: 'EmailAddress', get: (t, i) => t.users.emailOf(i) },
  { name: 'Role', get: (t, i) => ROLES[t.users.role[i]] },
  { name: 'StatusCode', get: (t, i) => t.users.status[i], sortNumber: (t, i) => t.users.status[i] },
  { name: 'IsAdministrator', get: (t, i) => t.users.role[i] === ROLE_ADMINISTRATOR },
  derived('EmployeeId', 1, (_t, i) => `EMP${String(i + 1).padStart(6, '0')}`),
  derived('AssociatedPhoneNumbers', 2, (_t, _i, h) => mobile(h)),
  derived('PhoneMain', 3, (_t, _i, h) => (h % 2 === 0 ? `+91-80-${20000000 + (h % 79999999)}` : null)),
  written('PhoneOthers'),
  derived('PhoneMobile', 2, (_t, _i, h) => mobile(h)),
  derived('Designation', 4, (t, i, h) => pick(DESIGNATIONS[t.users.role[i]], h)),
  derived('Department', 5, (t, i, h) => {
    const role = t.users.role[i];
    if (role === ROLE_ADMINISTRATOR) return 'Operations';
    if (role === 1) return 'Marketing';
    return pick(DEPARTMENTS, h);
  }),
  derived('OfficeLocationName', 6, (_t, _i, h) => pick(OFFICES, h)),
  derived('Skills', 8, (_t, _i, h) => {
    const a = SKILLS[h % SKILLS.length];
    const b = SKILLS[(h >>> 8) % SKILLS.length];
    return a === b ? a : `${a}, ${b}`;
  }),
  derived('SalesRegions', 9, (t, i, h) => (t.users.role[i] >= 2 ? pick(SALES_REGIONS, h) : null)),
  derived('Address', 10, (_t, _i, h) => `${1 + (h % 400)}, ${pick(STREETS, h >>> 9)}`),
  derived('City', 0, (t, i) => place(t, i)[0]),
  derived('State', 0, (t, i) => place(t, i)[1]),
  derived('Country', 0, (t, i) => place(t, i)[2]),
  derived('ZipCode', 11, (t, i, h) => `${place(t, i)[3]}${String(h % 1000).padStart(3, '0')}`),
  derived('TimeZone', 0, (t, i) => place(t, i)[4]),
  derived('DateFormat', 12, (_t, _i, h) => (h % 5 === 0 ? 'dd/mm/yyyy' : 'mm/dd/yy')),
  derived('UserType', 13, (_t, _i, h) => (h % 10 === 0 ? 1 : 0)),
  derived('IsPhoneCallAgent', 14, (_t, _i, h) => h % 4 === 0),
  derived('TelephonyAgentId', 14, (_t, i, h) => (h % 4 === 0 ? `AGT-${i + 1}` : null)),
  {
    name: 'AvailabilityStatus',
    get: (t, i) => t.users.override(i, 'AvailabilityStatus') ?? AVAILABILITY[t.users.availability[i]],
  },
  { name: 'IsCheckedIn', get: (t, i) => t.users.checkedIn[i] === 1 },
  {
    name: 'LastCheckedOn',
    get: (t, i) => (t.users.lastCheckedOn[i] ? formatLsqDateTime(t.users.lastCheckedOn[i]) : null),
    sortNumber: (t, i) => t.users.lastCheckedOn[i],
  },
  derived('LastCheckedIpAddress', 15, (t, i, h) =>
    t.users.lastCheckedOn[i] ? `10.${h & 255}.${(h >>> 8) & 255}.${(h >>> 16) & 255}` : null,
  ),
  {
    name: 'ManagerUserId',
    get: (t, i) => (t.users.manager[i] >= 0 ? t.users.idOf(t.users.manager[i]) : null),
  },
  {
    name: 'ManagerName',
    get: (t, i) => (t.users.manager[i] >= 0 ? t.users.fullNameOf(t.users.manager[i]) : null),
    notSelectable: true,
    escapeAlways: true,
  },
  { name: 'TeamId', get: (t, i) => t.teams.teams[t.users.team[i]].id },
  /** AdvancedSearch has a `Team` key that is never filled (the vendor leaves it null). */
  { name: 'Team', get: () => null },
  {
    name: 'Groups',
    escapeAlways: true,
    get: (t, i) => {
      const users = t.users;
      if (users.group1[i] < 0) return null;
      return users
        .groupsOf(i)
        .map((g) => t.groups[g].name)
        .join(',');
    },
  },
  derived('Tag', 16, (_t, _i, h) => (h % 100 < 15 ? pick(USER_TAGS, h >>> 8) : null)),
  { name: 'CreatedBy', get: (t, i) => t.users.idOf(Number(t.users.override(i, '_createdBy') ?? 0)) },
  {
    name: 'CreatedOn',
    get: (t, i) => formatLsqDateTime(t.users.createdOn[i]),
    sortNumber: (t, i) => t.users.createdOn[i],
  },
  { name: 'ModifiedBy', get: (t, i) => t.users.idOf(Number(t.users.override(i, '_modifiedBy') ?? 0)) },
  {
    name: 'ModifiedOn',
    get: (t, i) => formatLsqDateTime(t.users.modifiedOn[i]),
    sortNumber: (t, i) => t.users.modifiedOn[i],
  },
];

/** The attribute list for a tenant: the system attributes, then `mx_Custom_1..N`. */
export function buildUserFields(customFields: readonly CustomFieldDef[]): UserField[] {
  const custom = customFields.map((def, k) => derived(def.column, 1000 + k, (_t, _i, h) => def.generate(h)));
  return [...BASE_FIELDS, ...custom];
}

/** Attributes that Update User may write (reference §2.6), besides mx_Custom_1..10. */
export const UPDATABLE_ATTRIBUTES = [
  'FirstName',
  'MiddleName',
  'LastName',
  'Address',
  'City',
  'State',
  'Country',
  'ZipCode',
  'AssociatedPhoneNumbers',
  'PhoneMain',
  'PhoneOthers',
  'PhoneMobile',
  'TelephonyAgentId',
  'IsPhoneCallAgent',
  'AvailabilityStatus',
  'DeletionStatusCode',
  'IsWorkingToday',
  'Department',
  'Designation',
  'OfficeLocationName',
  'SalesRegions',
  'Skills',
  'DateFormat',
  'TimeZone',
  'IsEmailSender',
  'Signature_Html',
  'Signature_Text',
  'TemplateNames',
  'Role',
  'Team',
  'TeamId',
  'UserType',
  'WorkDayTemplateId',
  'HolidayCalendarId',
  'EmployeeId',
  'Tag',
] as const;
