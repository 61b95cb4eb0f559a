/**
 * Sales groups: list (optionally a user's), members with their permission flags, create, delete,
 * and the asynchronous AddUsers / RemoveUsers (answered with a RequestId, applied after the
 * configured delay, result POSTed to CallbackURL). `UserCount` is a string here.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { formatLsqDateTime, nowSeconds } from '../data/dates.ts';
import { flagsFromBody, flagsToObject } from '../data/sales-groups.ts';
import type { Tenant } from '../data/tenant.ts';
import { ROLE_SALES_USER } from '../data/user-store.ts';
import type { JobFailure } from '../http/async-jobs.ts';
import { endpoint } from '../http/endpoint.ts';
import { duplicateEntry, invalidInput, mandatoryMissing } from '../http/errors.ts';
import { optionalString, requireString } from '../http/parse.ts';
import { accountOf } from '../http/request-context.ts';
import { bodyObject, queryParam, sendValue } from '../http/respond.ts';
import type { SandboxState } from '../state.ts';
import { requireUser } from './user-lookup.ts';

const UG = '/v2/UserGroup.svc';

function requireGroup(t: Tenant, id: unknown): number {
  if (id === undefined || id === null || id === '') throw mandatoryMissing("'GroupId' is mandatory");
  const g = t.groupIndexById(id);
  if (g < 0) throw invalidInput('Invalid Input! Parameter Name: GroupId');
  return g;
}

function callbackUrl(body: Record<string, unknown>): string | null {
  const url = optionalString(body.CallbackURL);
  if (url === undefined) return null;
  if (!/^https?:\/\//i.test(url)) throw invalidInput('Invalid Input! Parameter Name: CallbackURL');
  return url;
}

export function registerSalesGroupRoutes(app: FastifyInstance, state: SandboxState): void {
  endpoint(app, ['GET'], `${UG}/Retrieve`, (request, reply) => {
    const t = accountOf(request).tenant;
    const userId = queryParam(request, 'UserId');
    const user = userId ? requireUser(t, userId, 'UserId') : -1;
    const counts = t.groupMemberCounts();
    const groups = t.groups
      .map((g, k) => ({ g, k }))
      .filter(({ g, k }) => !g.deleted && (user < 0 || t.users.isInGroup(user, k)))
      .map(({ g, k }) => ({
        GroupId: g.id,
        Name: g.name,
        Description: g.description,
        CreatedOn: formatLsqDateTime(g.createdOn),
        UserCount: String(counts[k]),
      }));
    return sendValue(
      request,
      reply,
      groups.length ? { RecordCount: groups.length, UserGroups: groups } : { RecordCount: 0 },
    );
  });

  endpoint(app, ['GET'], `${UG}/RetrieveUsers`, (request, reply) => {
    const t = accountOf(request).tenant;
    const g = requireGroup(t, queryParam(request, 'GroupId'));
    const group = t.groups[g];
    const users = t.groupMembers(g).map((i) => ({
      GroupId: group.id,
      GroupName: group.name,
      UserId: t.users.idOf(i),
      UserName: t.users.fullNameOf(i),
      ...flagsToObject(group.managerFlags.get(i) ?? 0),
    }));
    return sendValue(
      request,
      reply,
      users.length ? { RecordCount: users.length, GroupUsers: users } : { RecordCount: 0 },
    );
  });

  // Path UNCONFIRMED (reference §4).
  endpoint(app, ['POST'], `${UG}/Create`, (request, reply) => {
    const t = accountOf(request).tenant;
    const body = bodyObject(request);
    const name = requireString(body.Name, 'Name', 'creating a sales group');
    if (t.groups.some((g) => !g.deleted && g.name.toLowerCase() === name.toLowerCase())) {
      throw duplicateEntry('A Sales Group with the same name already exists.');
    }
    const id = randomUUID();
    t.groups.push({
      id,
      name,
      description: typeof body.Description === 'string' ? body.Description : '',
      createdOn: nowSeconds(),
      deleted: false,
      managerFlags: new Map(),
    });
    t.touch();
    return sendValue(request, reply, { Status: 'Success', Message: { Id: id } });
  });

  // The example body says `groupId`, the parameter table `GroupId`: both are accepted.
  endpoint(app, ['POST'], `${UG}/Delete`, (request, reply) => {
    const t = accountOf(request).tenant;
    const body = bodyObject(request);
    const g = requireGroup(t, body.groupId ?? body.GroupId ?? queryParam(request, 'groupId'));
    for (const i of t.groupMembers(g)) t.users.removeFromGroup(i, g);
    t.groups[g].deleted = true;
    t.groups[g].managerFlags.clear();
    t.templates.groupLevel.delete(g);
    t.touch();
    return sendValue(request, reply, { Status: 'Success' });
  });

  endpoint(app, ['POST'], `${UG}/AddUsers`, (request, reply) => {
    const t = accountOf(request).tenant;
    const body = bodyObject(request);
    const g = requireGroup(t, body.GroupId);
    if (!Array.isArray(body.GroupUsers) || body.GroupUsers.length === 0)
      throw mandatoryMissing("'GroupUsers' is mandatory");
    const entries = (body.GroupUsers as Record<string, unknown>[]).map((e) => {
      if (!e || typeof e !== 'object' || !e.UserId)
        throw mandatoryMissing("'UserId' is mandatory for each group user");
      return { id: String(e.UserId), flags: flagsFromBody(e) };
    });
    const url = callbackUrl(body);
    const requestId = randomUUID();
    state.jobs.schedule('Add Group Users', requestId, { GroupId: t.groups[g].id }, url, () => {
      const failures: JobFailure[] = [];
      let successCount = 0;
      const group = t.groups[g];
      for (const { id, flags } of entries) {
        const i = t.users.indexOfId(id);
        if (group.deleted) failures.push({ Id: id, ErrorMessage: 'Sales group no longer exists' });
        else if (!t.isListed(i)) failures.push({ Id: id, ErrorMessage: 'Invalid UserId' });
        else if (t.users.role[i] !== ROLE_SALES_USER) {
          failures.push({ Id: id, ErrorMessage: 'Only Sales Users can be added to a sales group' });
        } else {
          t.users.addToGroup(i, g);
          if (flags) group.managerFlags.set(i, flags);
          else group.managerFlags.delete(i);
          successCount++;
        }
      }
      t.touch();
      return { successCount, failures };
    });
    return sendValue(request, reply, {
      Status: 'Success',
      Response: { RequestType: 'Add Group Users', RequestId: requestId },
    });
  });

  // Path UNCONFIRMED (reference §4).
  endpoint(app, ['POST'], `${UG}/RemoveUsers`, (request, reply) => {
    const t = accountOf(request).tenant;
    const body = bodyObject(request);
    const g = requireGroup(t, body.GroupId);
    if (!Array.isArray(body.UserIds) || body.UserIds.length === 0)
      throw mandatoryMissing("'UserIds' is mandatory");
    const ids = (body.UserIds as unknown[]).map(String);
    const url = callbackUrl(body);
    const requestId = randomUUID();
    state.jobs.schedule('Remove Group Users', requestId, { GroupId: t.groups[g].id }, url, () => {
      const failures: JobFailure[] = [];
      let successCount = 0;
      for (const id of ids) {
        const i = t.users.indexOfId(id);
        if (!t.isListed(i)) failures.push({ Id: id, ErrorMessage: 'Invalid UserId' });
        else if (!t.users.removeFromGroup(i, g))
          failures.push({ Id: id, ErrorMessage: 'User is not a member of the group' });
        else {
          t.groups[g].managerFlags.delete(i);
          successCount++;
        }
      }
      t.touch();
      return { successCount, failures };
    });
    return sendValue(request, reply, {
      Status: 'Success',
      Response: { RequestType: 'Remove Group Users', RequestId: requestId },
    });
  });
}
