/**
 * Validates user attribute writes (Update User, Update Users in Bulk) and turns them into setters,
 * so a request is checked once and then applied to one user or to thousands.
 */
import type { Tenant } from '../data/tenant.ts';
import { UPDATABLE_ATTRIBUTES } from '../data/user-fields.ts';
import { AVAILABILITY, type FieldValue, roleIndex } from '../data/user-store.ts';
import { invalidInput } from '../http/errors.ts';
import { readBoolean } from '../http/parse.ts';

export type UserSetter = (t: Tenant, i: number) => void;

/** Attributes that exist but have their own endpoints. */
const NOT_UPDATABLE = ['EmailAddress', 'ManagerUserId', 'StatusCode'];

function canonicalName(t: Tenant, key: string): string | undefined {
  const lower = key.toLowerCase();
  const known = UPDATABLE_ATTRIBUTES.find((a) => a.toLowerCase() === lower);
  if (known) return known;
  const custom = /^mx_custom_(\d+)$/.exec(lower);
  // Update User documents mx_Custom_1 … mx_Custom_10 only.
  if (custom && Number(custom[1]) >= 1 && Number(custom[1]) <= Math.min(10, t.customFields.length)) {
    return `mx_Custom_${Number(custom[1])}`;
  }
  return undefined;
}

function override(name: string, value: FieldValue): UserSetter {
  return (t, i) => t.users.setOverride(i, name, value);
}

function teamSetter(t: Tenant, value: unknown, name: string, byName: boolean): UserSetter {
  let team = t.teams.indexOfIdOrCode(value);
  if (team < 0 && byName && typeof value === 'string') {
    team = t.teams.teams.findIndex((x) => x.name.toLowerCase() === value.trim().toLowerCase());
  }
  if (team < 0) throw invalidInput(`Invalid Input! Parameter Name: ${name}`);
  return (tt, i) => {
    tt.users.team[i] = team;
  };
}

function catalogSetter(ids: readonly { id: string }[], value: unknown, name: string): UserSetter {
  if (value === null || value === '') return override(name, null);
  const found = ids.find((x) => x.id === String(value).toLowerCase());
  if (!found) throw invalidInput(`Invalid Input! Parameter Name: ${name}`);
  return override(name, found.id);
}

function setterFor(t: Tenant, name: string, value: unknown): UserSetter {
  switch (name) {
    case 'FirstName':
      if (typeof value !== 'string' || value.trim() === '')
        throw invalidInput('Invalid Input! Parameter Name: FirstName');
      return override(name, value.trim());
    case 'Role': {
      const role = roleIndex(value);
      if (role < 0) throw invalidInput('Invalid Input! Parameter Name: Role');
      return (tt, i) => {
        tt.users.role[i] = role;
      };
    }
    case 'TeamId':
      return teamSetter(t, value, name, false);
    case 'Team':
      return teamSetter(t, value, name, true);
    case 'UserType': {
      const type = Number(value);
      if (type !== 0 && type !== 1) throw invalidInput('Invalid Input! Parameter Name: UserType');
      return override(name, type);
    }
    case 'IsPhoneCallAgent':
    case 'IsEmailSender':
    case 'IsWorkingToday':
      return override(name, readBoolean(value, name));
    case 'AvailabilityStatus': {
      const status = String(value ?? '').toLowerCase();
      const code = AVAILABILITY.indexOf(status as (typeof AVAILABILITY)[number]);
      if (code < 0) throw invalidInput('Invalid Input! Parameter Name: AvailabilityStatus');
      return (tt, i) => {
        tt.users.availability[i] = code;
        const written = tt.users.overrides.get(i);
        if (written) delete written.AvailabilityStatus;
      };
    }
    case 'WorkDayTemplateId':
      return catalogSetter(t.workdays.templates, value, name);
    case 'HolidayCalendarId':
      return catalogSetter(t.workdays.calendars, value, name);
    case 'DeletionStatusCode':
      return override(name, value === null ? null : Number(value));
    default:
      return override(name, value === null || value === undefined || value === '' ? null : String(value));
  }
}

export function parseUserAttributes(t: Tenant, attributes: Record<string, unknown>): UserSetter[] {
  return Object.entries(attributes).map(([key, value]) => {
    if (NOT_UPDATABLE.some((n) => n.toLowerCase() === key.toLowerCase())) {
      throw invalidInput(`'${key}' cannot be updated with this API`);
    }
    const name = canonicalName(t, key);
    if (!name) throw invalidInput(`Invalid Input! Parameter Name: ${key}`);
    return setterFor(t, name, value);
  });
}

/** Applies setters and stamps ModifiedOn/ModifiedBy. The caller calls tenant.touch(). */
export function applyUserSetters(t: Tenant, i: number, setters: UserSetter[], by: number, now: number): void {
  for (const set of setters) set(t, i);
  t.users.modifiedOn[i] = now;
  t.users.setOverride(i, '_modifiedBy', by);
}
