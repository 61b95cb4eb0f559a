/**
 * Writing LeadSquared groups: sales groups are created and deleted (reference §4); membership changes are
 * asynchronous at LeadSquared (AddUsers/RemoveUsers answer with a RequestId), so `add-user`/`remove-user`
 * answer with a pending Switchboard async request that completes by the vendor's callback or by checking
 * (`GET /async-request/{id}`). Team membership is a user attribute, changed at once with User/Update.
 */
import { SwitchboardError } from '../../errors.ts';
import type { BodyField, Caller } from '../../unified/types.ts';
import type { AsyncCheck } from '../types.ts';
import { teams } from './lookups.ts';

const UG = '/UserGroup.svc';

/** Unified permission names → LeadSquared's six per-membership manager flags. */
const FLAGS: Record<string, string> = {
  view_all_leads: 'ViewAllLeadsOfGroup',
  modify_all_leads: 'ModifyAllLeadsOfGroup',
  view_all_accounts: 'ViewAllAccountsOfGroup',
  modify_all_accounts: 'ModifyAllAccountsOfGroup',
  add_users: 'AddUsersToGroup',
  create_group_automation: 'CreateGroupAutomation',
};

export const CREATE_GROUP_FIELDS: Record<string, BodyField> = {
  name: { type: 'string', description: 'Name', required: true },
  description: { type: 'string', description: 'Description' },
  group_type: { type: 'string', description: 'group (sales group; the only kind that can be created here)' },
};

export const MEMBERSHIP_FIELDS: Record<string, BodyField> = {
  group_id: { type: 'string', description: 'a sales group id or a team id', required: true },
  user_id: { type: 'string', description: 'one user', required: true, alternative: 'user_ids' },
  user_ids: { type: 'string[]', description: 'several users' },
  permissions: {
    type: 'object',
    description: `add-user only: manager flags for the membership (${Object.keys(FLAGS).join(', ')}: booleans)`,
  },
};

const { permissions: _addOnly, ...removeFields } = MEMBERSHIP_FIELDS;
export const REMOVE_MEMBERSHIP_FIELDS: Record<string, BodyField> = removeFields;

function invalid(message: string): SwitchboardError {
  return new SwitchboardError('INVALID_REQUEST', message);
}

export async function createGroup(
  caller: Caller,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (body['group_type'] !== undefined && body['group_type'] !== 'group') {
    throw invalid('only sales groups (group_type: group) can be created; teams are managed in LeadSquared');
  }
  if (typeof body['name'] !== 'string') throw invalid('name must be a string');
  const response = await caller.call({
    method: 'POST',
    path: `${UG}/Create`,
    body: { Name: body['name'], Description: body['description'] ?? '' },
  });
  const id = (response.body as { Message?: { Id?: string } })?.Message?.Id;
  if (!id)
    throw new SwitchboardError(
      'UPSTREAM_BAD_RESPONSE',
      'LeadSquared created the group but did not return its id',
    );
  return {
    kind: 'group',
    record: { GroupId: id, Name: body['name'], Description: body['description'] ?? '', UserCount: '0' },
  };
}

export async function deleteGroup(caller: Caller, id: string): Promise<void> {
  if ((await teams(caller)).some((t) => t.TeamId === id)) {
    throw new SwitchboardError(
      'METHOD_NOT_ALLOWED',
      'LeadSquared has no API to delete a team; only sales groups can be deleted',
    );
  }
  await caller.call({ method: 'POST', path: `${UG}/Delete`, body: { groupId: id } });
}

function userIdsOf(body: Record<string, unknown>): string[] {
  const ids = body['user_ids'] ?? [body['user_id']];
  if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string' || !id)) {
    throw invalid('user_id must be a string, or user_ids a non-empty list of strings');
  }
  return ids as string[];
}

function flagsOf(body: Record<string, unknown>): Record<string, boolean> {
  const permissions = body['permissions'] ?? {};
  if (typeof permissions !== 'object' || permissions === null || Array.isArray(permissions)) {
    throw invalid('permissions must be an object of booleans');
  }
  const out: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(permissions)) {
    const flag = FLAGS[name];
    if (!flag || typeof value !== 'boolean') {
      throw invalid(`permissions accepts ${Object.keys(FLAGS).join(', ')} as booleans; got ${name}`);
    }
    out[flag] = value;
  }
  return out;
}

/** Adds or removes members. Teams change at once (one team per user); sales groups asynchronously. */
export async function changeMembership(
  caller: Caller,
  body: Record<string, unknown>,
  action: 'add' | 'remove',
): Promise<Record<string, unknown>> {
  const groupId = String(body['group_id']);
  const userIds = userIdsOf(body);
  if ((await teams(caller)).some((t) => t.TeamId === groupId)) {
    if (action === 'remove') {
      throw invalid(
        'every LeadSquared user is in exactly one team: move the user with add-user to another team',
      );
    }
    for (const id of userIds) {
      await caller.call({
        method: 'POST',
        path: '/UserManagement.svc/User/Update',
        query: { UserId: id },
        body: { user: { TeamId: groupId } },
      });
    }
    return { status: 'completed', group_id: groupId, user_ids: userIds };
  }
  const flags = action === 'add' ? flagsOf(body) : {};
  const kind =
    action === 'add' ? 'leadsquared:sales-group-add-users' : 'leadsquared:sales-group-remove-users';
  const tracked = await caller.trackAsync({
    kind,
    details: { group_id: groupId, user_ids: userIds, permissions: flags },
  });
  const vendorBody =
    action === 'add'
      ? {
          GroupId: groupId,
          GroupUsers: userIds.map((UserId) => ({ UserId, ...flags })),
          CallbackURL: tracked.callbackUrl,
        }
      : { GroupId: groupId, UserIds: userIds, CallbackURL: tracked.callbackUrl };
  const response = await caller.call({
    method: 'POST',
    path: `${UG}/${action === 'add' ? 'AddUsers' : 'RemoveUsers'}`,
    body: vendorBody,
  });
  const vendorRequestId =
    (response.body as { Response?: { RequestId?: string } })?.Response?.RequestId ?? null;
  return {
    status: 'pending',
    async_request_id: tracked.id,
    vendor_request_id: vendorRequestId,
    group_id: groupId,
    user_ids: userIds,
    check: `/async-request/${tracked.id}`,
  };
}

/** Checks a pending membership change by reading the group's members. */
export async function checkMembership(
  caller: Caller,
  details: Record<string, unknown>,
  action: 'add' | 'remove',
): Promise<AsyncCheck> {
  const response = await caller.call({
    method: 'GET',
    path: `${UG}/RetrieveUsers`,
    query: { GroupId: String(details['group_id']) },
  });
  const members = new Set(
    ((response.body as { GroupUsers?: Array<{ UserId: string }> })?.GroupUsers ?? []).map((u) => u.UserId),
  );
  const wanted = details['user_ids'] as string[];
  const done = wanted.every((id) => (action === 'add' ? members.has(id) : !members.has(id)));
  return done
    ? { status: 'completed', outcome: { checked: 'group members', user_ids: wanted } }
    : { status: 'pending' };
}
