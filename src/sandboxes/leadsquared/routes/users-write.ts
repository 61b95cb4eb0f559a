/**
 * User writes: create, update, bulk update, activate / deactivate / mark obsolete, and bulk
 * manager changes (asynchronous, answered with a WFAId).
 * Lifecycle: active (StatusCode 0) → deactivated (1) → obsolete (hidden, email free for reuse).
 */
import type { FastifyInstance } from 'fastify';
import { nowSeconds } from '../data/dates.ts';
import { flagsFromBody } from '../data/sales-groups.ts';
import type { Tenant } from '../data/tenant.ts';
import { ROLE_SALES_USER, roleIndex } from '../data/user-store.ts';
import { endpoint } from '../http/endpoint.ts';
import { duplicateEntry, invalidInput, mandatoryMissing } from '../http/errors.ts';
import { optionalString, readBoolean, requireString } from '../http/parse.ts';
import { accountOf } from '../http/request-context.ts';
import { bodyObject, queryParam, sendValue } from '../http/respond.ts';
import { matchUsers } from '../search/run-search.ts';
import type { SandboxState } from '../state.ts';
import { applyUserSetters, parseUserAttributes } from './user-attributes.ts';
import { isSelfOrBelow, requireUser } from './user-lookup.ts';

const UM = '/v2/UserManagement.svc';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USER_SETTINGS = [
  'IsSoftPhoneEnabled',
  'ApplyOnlyUserSpecificPT',
  'IgnoreIPRestrictionForLogin',
  'RestrictMobileLogin',
  'AllowUpdatingManagerInHierarchy',
];
export const MAX_MANAGER_UPDATES = 100;

let wfaCounter = 1064688470;

export function registerUserWriteRoutes(app: FastifyInstance, state: SandboxState): void {
  endpoint(app, ['POST'], `${UM}/User/Create`, (request, reply) => {
    const account = accountOf(request);
    const t = account.tenant;
    const body = bodyObject(request);
    const firstName = requireString(body.FirstName, 'FirstName', 'creating user');
    const email = requireString(body.EmailAddress, 'EmailAddress', 'creating user');
    requireString(body.Role, 'Role', 'creating user');
    const role = roleIndex(body.Role);
    if (role < 0) throw invalidInput('Invalid Input! Parameter Name: Role');
    if (!EMAIL.test(email)) throw invalidInput('Invalid Input! Parameter Name: EmailAddress');
    // Blocked while any non-obsolete user (active or deactivated) has the email.
    if (t.users.indexOfEmail(email) >= 0)
      throw duplicateEntry('A User with same Email Address already exists.');

    const managerId = optionalString(body.ManagerUserId);
    const manager = managerId ? requireUser(t, managerId, 'ManagerUserId') : -1;
    const teamId = optionalString(body.TeamId);
    const team = teamId ? t.teams.indexOfId(teamId) : 0;
    if (team < 0) throw invalidInput('Invalid Input! Parameter Name: TeamId');
    const userType = body.UserType === undefined || body.UserType === '' ? 0 : Number(body.UserType);
    if (userType !== 0 && userType !== 1) throw invalidInput('Invalid Input! Parameter Name: UserType');
    const phoneAgent =
      body.IsPhoneCallAgent === undefined ? false : readBoolean(body.IsPhoneCallAgent, 'IsPhoneCallAgent');
    for (const [key, list] of [
      ['WorkDayTemplateId', t.workdays.templates],
      ['HolidayCalendarId', t.workdays.calendars],
    ] as const) {
      const v = optionalString(body[key]);
      if (v && !list.some((x) => x.id === v.toLowerCase()))
        throw invalidInput(`Invalid Input! Parameter Name: ${key}`);
    }

    const custom: [string, string | null][] = [];
    const customFields = (body.CustomFields ?? {}) as Record<string, unknown>;
    if (typeof customFields !== 'object') throw invalidInput('Invalid Input! Parameter Name: CustomFields');
    for (const [key, value] of Object.entries(customFields)) {
      const lower = key.toLowerCase();
      const def = t.customFields.find(
        (d) => d.schemaName.toLowerCase() === lower || d.column.toLowerCase() === lower,
      );
      if (!def) throw invalidInput(`Invalid Input! Parameter Name: CustomFields.${key}`);
      custom.push([def.column, value === null || value === undefined || value === '' ? null : String(value)]);
    }

    const memberships: [number, number][] = [];
    const associated = body.AssociatedGroups ?? [];
    if (!Array.isArray(associated)) throw invalidInput('Invalid Input! Parameter Name: AssociatedGroups');
    for (const entry of associated as Record<string, unknown>[]) {
      const group = t.groupIndexById(entry?.GroupId);
      if (group < 0) throw invalidInput('Invalid Input! Parameter Name: GroupId');
      memberships.push([group, flagsFromBody(entry)]);
    }
    if (memberships.length > 0 && role !== ROLE_SALES_USER) {
      throw invalidInput('Only Sales Users can be added to sales groups');
    }

    const u = t.users;
    const i = u.append();
    const now = nowSeconds();
    u.apiCreated[i] = 1;
    u.role[i] = role;
    u.manager[i] = manager;
    u.team[i] = team;
    u.createdOn[i] = now;
    u.modifiedOn[i] = now;
    u.setOverride(i, 'EmailAddress', email);
    u.setOverride(i, 'FirstName', firstName);
    u.setOverride(i, '_createdBy', account.owner);
    u.setOverride(i, '_modifiedBy', account.owner);
    u.setOverride(i, 'UserType', userType);
    u.setOverride(i, 'IsPhoneCallAgent', phoneAgent);
    for (const key of ['LastName', 'AssociatedPhoneNumbers', 'PhoneMobile', 'TimeZone', 'DateFormat']) {
      const v = optionalString(body[key]);
      if (v !== undefined) u.setOverride(i, key, v);
    }
    for (const key of ['WorkDayTemplateId', 'HolidayCalendarId']) {
      const v = optionalString(body[key]);
      if (v !== undefined) u.setOverride(i, key, v.toLowerCase());
    }
    for (const [column, value] of custom) u.setOverride(i, column, value);
    u.createdEmails.set(email.toLowerCase(), i);
    for (const [group, flags] of memberships) {
      u.addToGroup(i, group);
      if (flags) t.groups[group].managerFlags.set(i, flags);
    }
    t.touch();
    return sendValue(request, reply, { Status: 'Success', Message: { Id: u.idOf(i) } });
  });

  endpoint(app, ['POST'], `${UM}/User/Update`, (request, reply) => {
    const account = accountOf(request);
    const t = account.tenant;
    const i = requireUser(t, queryParam(request, 'UserId'), 'UserId');
    const body = bodyObject(request);
    if (body.user === undefined && body.userSettings === undefined)
      throw mandatoryMissing("'user' is mandatory");
    const user = (body.user ?? {}) as Record<string, unknown>;
    if (typeof user !== 'object' || Array.isArray(user))
      throw invalidInput('Invalid Input! Parameter Name: user');
    const setters = parseUserAttributes(t, user);
    const settings = (body.userSettings ?? {}) as Record<string, unknown>;
    const parsedSettings: Record<string, number> = {};
    for (const [key, value] of Object.entries(settings)) {
      const name = USER_SETTINGS.find((s) => s.toLowerCase() === key.toLowerCase());
      if (!name || (value !== 0 && value !== 1 && value !== '0' && value !== '1')) {
        throw invalidInput(`Invalid Input! Parameter Name: userSettings.${key}`);
      }
      parsedSettings[name] = Number(value);
    }
    applyUserSetters(t, i, setters, account.owner, nowSeconds());
    t.userSettings.set(i, { ...t.userSettings.get(i), ...parsedSettings });
    t.touch();
    return sendValue(request, reply, { Status: 'Success', Message: { AffectedRows: 1 } });
  });

  endpoint(app, ['POST'], `${UM}/User/Bulk/Update`, (request, reply) => {
    const account = accountOf(request);
    const t = account.tenant;
    const body = bodyObject(request);
    if (!Array.isArray(body.Conditions) || body.Conditions.length === 0) {
      throw mandatoryMissing("'Conditions' is mandatory: at least one condition is required");
    }
    const attribute = requireString(body.Attribute, 'Attribute', 'updating users in bulk');
    const setters = parseUserAttributes(t, { [attribute]: body.Value });
    const matched = matchUsers(t, body.Conditions, body.GroupOperator);
    const now = nowSeconds();
    for (const i of matched) applyUserSetters(t, i, setters, account.owner, now);
    t.touch();
    return sendValue(request, reply, { Status: 'Success', Message: { AffectedRows: matched.length } });
  });

  // Method and path UNCONFIRMED for Activate/Deactivate (MarkObsolete is a documented GET): both verbs accepted.
  const lifecycle = (name: string, apply: (t: Tenant, i: number) => void) => {
    endpoint(app, ['GET', 'POST'], `${UM}/User/${name}`, (request, reply) => {
      const account = accountOf(request);
      const t = account.tenant;
      const i = requireUser(t, queryParam(request, 'userId'), 'UserId');
      apply(t, i);
      t.users.modifiedOn[i] = nowSeconds();
      t.users.setOverride(i, '_modifiedBy', account.owner);
      t.touch();
      return sendValue(request, reply, { Status: 'Success' });
    });
  };
  lifecycle('Activate', (t, i) => {
    t.users.status[i] = 0;
  });
  // Also disables the user's own API keys: auth checks that the key owner is active.
  lifecycle('Deactivate', (t, i) => {
    if (i === t.billingUser) throw invalidInput('The billing user cannot be deactivated');
    t.users.status[i] = 1;
  });
  lifecycle('MarkObsolete', (t, i) => {
    if (t.users.status[i] !== 1) throw invalidInput('Only a deactivated user can be marked obsolete');
    t.users.obsolete[i] = 1;
    const email = t.users.emailOf(i).toLowerCase();
    if (t.users.createdEmails.get(email) === i) t.users.createdEmails.delete(email);
  });

  endpoint(app, ['POST'], `${UM}/UpdateReportingManagerInBulk`, (request, reply) => {
    const account = accountOf(request);
    const t = account.tenant;
    const items = request.body;
    if (!Array.isArray(items) || items.length === 0)
      throw invalidInput('Invalid Input! A list of UserId and ManagerId is required');
    if (items.length > MAX_MANAGER_UPDATES) {
      throw invalidInput(`Maximum ${MAX_MANAGER_UPDATES} users can be updated in one request`);
    }
    const wfaId = String(++wfaCounter);
    state.jobs.schedule('Update Reporting Manager', wfaId, {}, null, () => {
      let successCount = 0;
      const failures: { Id: string; ErrorMessage: string }[] = [];
      const now = nowSeconds();
      for (const item of items as Record<string, unknown>[]) {
        const user = t.users.indexOfId(item?.UserId);
        const manager = t.users.indexOfId(item?.ManagerId);
        const id = String(item?.UserId ?? '');
        if (!t.isListed(user)) failures.push({ Id: id, ErrorMessage: 'Invalid UserId' });
        else if (!t.isListed(manager)) failures.push({ Id: id, ErrorMessage: 'Invalid ManagerId' });
        else if (isSelfOrBelow(t, manager, user)) {
          failures.push({
            Id: id,
            ErrorMessage: 'Manager cannot be the user or someone reporting to the user',
          });
        } else {
          t.users.manager[user] = manager;
          t.users.modifiedOn[user] = now;
          t.users.setOverride(user, '_modifiedBy', account.owner);
          t.touch();
          successCount++;
        }
      }
      return { successCount, failures };
    });
    return sendValue(request, reply, { ErrorMessage: null, Status: 'Success', WFAId: wfaId });
  });
}
