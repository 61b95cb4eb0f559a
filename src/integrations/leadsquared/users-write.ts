/**
 * Writing LeadSquared users through the unified API (reference §2.5–2.8, §2.11). Users are never deleted in
 * LeadSquared: `DELETE` deactivates. Email cannot change. Managers change through the bulk managers call.
 */
import { SwitchboardError } from '../../errors.ts';
import type { BodyField, Caller } from '../../unified/types.ts';
import { lsqToIso } from './dates.ts';
import { ROLES } from './role-names.ts';
import { fetchSearchPage, searchUserById } from './search.ts';

const UM = '/UserManagement.svc';

const USER_FIELDS: Record<string, BodyField> = {
  first_name: { type: 'string', description: 'FirstName' },
  last_name: { type: 'string', description: 'LastName' },
  title: { type: 'string', description: 'Designation' },
  role: { type: 'string', description: `one of ${Object.keys(ROLES).join(', ')} (or roles: [{ id }])` },
  roles: { type: '{ id }[]', description: 'the unified form of role; exactly one' },
  phones: {
    type: '{ number, type: work|mobile|other }[]',
    description: 'PhoneMain, PhoneMobile, PhoneOthers',
  },
  timezone: { type: 'string', description: 'TimeZone, e.g. Asia/Kolkata' },
  team_id: { type: 'string', description: 'TeamId (the user’s one team)' },
  manager_id: { type: 'string', description: 'ManagerUserId (the reporting manager)' },
  custom_fields: {
    type: 'object',
    description: 'custom user fields by schema name (mx_Custom_N or the display schema name)',
  },
};

export const CREATE_FIELDS: Record<string, BodyField> = {
  ...USER_FIELDS,
  first_name: { ...USER_FIELDS['first_name']!, required: true },
  role: { ...USER_FIELDS['role']!, required: true, alternative: 'roles' },
  email: {
    type: 'string',
    description: 'EmailAddress (or emails: [{ email }]); cannot change later',
    required: true,
    alternative: 'emails',
  },
  emails: { type: '{ email }[]', description: 'the unified form of email; the first is used' },
  groups: { type: '{ id }[]', description: 'sales groups to join at creation (Sales_User only)' },
};

export const UPDATE_FIELDS: Record<string, BodyField> = {
  ...USER_FIELDS,
  email: { type: 'string', description: 'refused: LeadSquared cannot change a user’s email' },
  emails: { type: '{ email }[]', description: 'refused: LeadSquared cannot change a user’s email' },
};

function invalid(message: string): SwitchboardError {
  return new SwitchboardError('INVALID_REQUEST', message);
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  return value;
}

/** `role` or `roles: [{ id }]`, checked against LeadSquared's fixed enum. */
function roleOf(body: Record<string, unknown>): string | undefined {
  let role = optionalString(body, 'role');
  if (role === undefined && body['roles'] !== undefined) {
    const roles = body['roles'];
    if (
      !Array.isArray(roles) ||
      roles.length !== 1 ||
      typeof (roles[0] as { id?: unknown })?.id !== 'string'
    ) {
      throw invalid('roles must hold exactly one { id } (a LeadSquared user has one role)');
    }
    role = (roles[0] as { id: string }).id;
  }
  if (role !== undefined && !Object.hasOwn(ROLES, role)) {
    throw invalid(`role "${role}" is not a LeadSquared role; use one of ${Object.keys(ROLES).join(', ')}`);
  }
  return role;
}

function emailOf(body: Record<string, unknown>): string | undefined {
  const email = optionalString(body, 'email');
  if (email !== undefined) return email;
  const emails = body['emails'];
  if (emails === undefined) return undefined;
  const first = Array.isArray(emails) ? (emails[0] as { email?: unknown }) : undefined;
  if (typeof first?.email !== 'string') throw invalid('emails must be a list of { email }');
  return first.email;
}

const PHONE_COLUMN: Record<string, string> = {
  work: 'PhoneMain',
  mobile: 'PhoneMobile',
  other: 'PhoneOthers',
};

/** The LeadSquared attributes shared by create and update. */
function userAttributes(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const set = (column: string, value: unknown) => {
    if (value !== undefined) out[column] = value;
  };
  set('FirstName', optionalString(body, 'first_name'));
  set('LastName', optionalString(body, 'last_name'));
  set('Designation', optionalString(body, 'title'));
  set('Role', roleOf(body));
  set('TimeZone', optionalString(body, 'timezone'));
  set('TeamId', optionalString(body, 'team_id'));
  if (body['phones'] !== undefined) {
    if (!Array.isArray(body['phones'])) throw invalid('phones must be a list of { number, type }');
    for (const phone of body['phones'] as Array<{ number?: unknown; type?: unknown }>) {
      const column = PHONE_COLUMN[String(phone?.type ?? 'work')];
      if (!column || typeof phone.number !== 'string') {
        throw invalid('each phone needs a number and a type of work, mobile or other');
      }
      out[column] = phone.number;
    }
  }
  return out;
}

function customFieldsOf(body: Record<string, unknown>): Record<string, string> | undefined {
  const custom = body['custom_fields'];
  if (custom === undefined) return undefined;
  if (!custom || typeof custom !== 'object' || Array.isArray(custom))
    throw invalid('custom_fields must be an object');
  return Object.fromEntries(Object.entries(custom).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

async function setManager(caller: Caller, userId: string, managerId: string): Promise<void> {
  const response = await caller.call({
    method: 'POST',
    path: `${UM}/UpdateReportingManagerInBulk`,
    body: [{ UserId: userId, ManagerId: managerId }],
  });
  const failures = (response.body as { Failures?: Array<{ ErrorMessage?: string }> })?.Failures;
  if (Array.isArray(failures) && failures.length > 0) {
    throw new SwitchboardError(
      'UNPROCESSABLE',
      `LeadSquared refused the manager: ${failures[0]?.ErrorMessage ?? 'unknown reason'}`,
      {
        truto_is_remote_error: true,
        raw_response: response.body,
      },
    );
  }
}

async function readBack(caller: Caller, id: string): Promise<Record<string, unknown>> {
  const user = await searchUserById(caller, id);
  if (!user) throw new SwitchboardError('NOT_FOUND', `LeadSquared has no user ${id}`);
  return user;
}

export async function createUser(
  caller: Caller,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  // checkBody has ensured first_name, email|emails and role|roles are present.
  const email = emailOf(body);
  const { Designation, ...attributes } = userAttributes(body);
  const groups = body['groups'];
  if (groups !== undefined && !Array.isArray(groups)) throw invalid('groups must be a list of { id }');
  const createBody = {
    ...attributes,
    EmailAddress: email,
    ManagerUserId: optionalString(body, 'manager_id'),
    CustomFields: customFieldsOf(body),
    AssociatedGroups: (groups as Array<{ id?: unknown }> | undefined)?.map((g) => ({
      GroupId: String(g?.id ?? ''),
    })),
  };
  let id: string | undefined;
  try {
    const response = await caller.call({ method: 'POST', path: `${UM}/User/Create`, body: createBody });
    id = (response.body as { Message?: { Id?: string } })?.Message?.Id;
  } catch (error) {
    id = await ownEarlierAttempt(caller, error, email!, attributes['FirstName']);
    if (!id) throw error;
  }
  if (!id)
    throw new SwitchboardError(
      'UPSTREAM_BAD_RESPONSE',
      'LeadSquared created the user but did not return its id',
    );
  // User/Create takes no Designation; set it right after.
  if (Designation !== undefined) {
    await caller.call({
      method: 'POST',
      path: `${UM}/User/Update`,
      query: { UserId: id },
      body: { user: { Designation } },
    });
  }
  return readBack(caller, id);
}

/** How recent a user must be to count as this request's own earlier attempt. */
const RECONCILE_WINDOW_MS = 15 * 60 * 1000;

/**
 * An idempotent create that meets "duplicate email" may be meeting its own earlier attempt: the vendor
 * created the user but the answer was lost (connection reset, timeout), and the client or Switchboard
 * retried with the same Idempotency-Key. If a user with this email and first name was created in the last
 * 15 minutes, that is the user this request created: answer with it instead of a 409.
 */
async function ownEarlierAttempt(
  caller: Caller,
  error: unknown,
  email: string,
  firstName: unknown,
): Promise<string | undefined> {
  if (!caller.writesAreSafe || !(error instanceof SwitchboardError) || error.statusCode !== 409)
    return undefined;
  const page = await fetchSearchPage(
    caller,
    { page: 1, conditions: [{ LookupName: 'EmailAddress', Operator: 'eq', LookupValue: email }] },
    [],
    1,
  );
  const user = page.records[0] as Record<string, unknown> | undefined;
  const createdAt = Date.parse(lsqToIso(user?.['CreatedOn']) ?? '');
  const recent = Number.isFinite(createdAt) && Date.now() - createdAt < RECONCILE_WINDOW_MS;
  return user && recent && user['FirstName'] === firstName ? String(user['UserId']) : undefined;
}

export async function updateUser(
  caller: Caller,
  id: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (body['email'] !== undefined || body['emails'] !== undefined) {
    throw invalid('LeadSquared cannot change a user’s email address; create a new user instead');
  }
  const user: Record<string, unknown> = userAttributes(body);
  const custom = customFieldsOf(body);
  if (custom) Object.assign(user, custom);
  const managerId = optionalString(body, 'manager_id');
  if (Object.keys(user).length === 0 && managerId === undefined)
    throw invalid('nothing to update: send at least one field');
  if (Object.keys(user).length > 0) {
    await caller.call({ method: 'POST', path: `${UM}/User/Update`, query: { UserId: id }, body: { user } });
  }
  if (managerId !== undefined) await setManager(caller, id, managerId);
  return readBack(caller, id);
}

export async function setActive(
  caller: Caller,
  id: string,
  active: boolean,
): Promise<Record<string, unknown>> {
  await caller.call({
    method: 'POST',
    path: `${UM}/User/${active ? 'Activate' : 'Deactivate'}`,
    query: { userId: id },
  });
  return readBack(caller, id);
}

export function idFromBody(body: Record<string, unknown>): string {
  const id = body['id'];
  if (typeof id !== 'string' || !id)
    throw new SwitchboardError('MISSING_REQUIRED_FIELDS', 'send the user’s id as { "id": "…" }');
  return id;
}
