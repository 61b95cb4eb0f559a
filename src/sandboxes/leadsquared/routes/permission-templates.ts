/**
 * Permission templates: retrieve, create, update, delete, apply (user / group / role level),
 * remove from everywhere (`Apply?overWriteAll=true` with only an Id), override at user level,
 * and a user's effective permissions.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { formatLsqDateTime, nowSeconds } from '../data/dates.ts';
import {
  MAX_TEMPLATES,
  mergePermissions,
  type PermissionTemplate,
  parseEntityPermissions,
  requireTemplateName,
} from '../data/permission-templates.ts';
import type { Tenant } from '../data/tenant.ts';
import { ROLE_ADMINISTRATOR, ROLES, roleIndex } from '../data/user-store.ts';
import { endpoint } from '../http/endpoint.ts';
import { duplicateEntry, invalidInput, mandatoryMissing, unauthorizedAccess } from '../http/errors.ts';
import { readInt, readPaging } from '../http/parse.ts';
import { accountOf } from '../http/request-context.ts';
import { bodyObject, queryParam, sendValue } from '../http/respond.ts';
import { requireUser } from './user-lookup.ts';

const PT = '/v2/PermissionTemplate.svc';
const SUCCESS = { Status: 'Success', Message: { IsSuccessful: true } };

function templateJson(t: Tenant, tpl: PermissionTemplate): Record<string, unknown> {
  return {
    Id: tpl.id,
    Name: tpl.name,
    Description: tpl.description,
    EntityPermissions: tpl.entityPermissions,
    CreatedBy: t.users.idOf(tpl.createdBy),
    CreatedByName: t.users.fullNameOf(tpl.createdBy),
    CreatedOn: formatLsqDateTime(tpl.createdOn),
    ModifiedBy: t.users.idOf(tpl.modifiedBy),
    ModifiedByName: t.users.fullNameOf(tpl.modifiedBy),
    ModifiedOn: formatLsqDateTime(tpl.modifiedOn),
  };
}

function requireTemplate(t: Tenant, id: unknown): PermissionTemplate {
  if (id === undefined || id === null || id === '') throw mandatoryMissing("'Id' is mandatory");
  const tpl = t.templates.byId(id);
  if (!tpl) throw invalidInput('Invalid Input! Parameter Name: Id');
  return tpl;
}

function idList(value: unknown, name: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidInput(`Invalid Input! Parameter Name: ${name}`);
  return value;
}

const SORTABLE: Record<string, (tpl: PermissionTemplate) => string | number> = {
  name: (tpl) => tpl.name.toLowerCase(),
  description: (tpl) => tpl.description.toLowerCase(),
  createdon: (tpl) => tpl.createdOn,
  modifiedon: (tpl) => tpl.modifiedOn,
};

export function registerPermissionTemplateRoutes(app: FastifyInstance): void {
  endpoint(app, ['POST'], `${PT}/Retrieve`, (request, reply) => {
    const t = accountOf(request).tenant;
    const body = bodyObject(request);
    const parameter = (body.Parameter ?? {}) as Record<string, unknown>;
    // A blank (" ") SearchText or TemplateId means "all templates".
    const templateId = String(parameter.TemplateId ?? '').trim();
    const search = String(parameter.SearchText ?? '')
      .trim()
      .toLowerCase();
    let list = t.templates.templates.slice();
    if (templateId) list = list.filter((tpl) => tpl.id === templateId.toLowerCase());
    else if (search)
      list = list.filter((tpl) => `${tpl.name} ${tpl.description}`.toLowerCase().includes(search));
    const sorting = (body.Sorting ?? null) as Record<string, unknown> | null;
    if (sorting?.ColumnName) {
      const key = SORTABLE[String(sorting.ColumnName).toLowerCase()];
      if (!key) throw invalidInput('Invalid Input! Parameter Name: Sorting.ColumnName');
      const desc = readInt(sorting.Direction, 'Direction', 0) === 1;
      list.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
      });
    }
    const paging = readPaging(body.Paging, 100);
    const page = list.slice((paging.index - 1) * paging.size, paging.index * paging.size);
    return sendValue(
      request,
      reply,
      page.length
        ? { RecordCount: list.length, List: page.map((tpl) => templateJson(t, tpl)) }
        : { RecordCount: list.length },
    );
  });

  endpoint(app, ['POST'], `${PT}/Create`, (request, reply) => {
    const account = accountOf(request);
    const t = account.tenant;
    const body = bodyObject(request);
    const name = requireTemplateName(body.Name);
    const entityPermissions = parseEntityPermissions(body.EntityPermissions);
    if (t.templates.templates.some((tpl) => tpl.name.toLowerCase() === name.toLowerCase())) {
      throw duplicateEntry('A Permission Template with the same name already exists.');
    }
    if (t.templates.templates.length >= MAX_TEMPLATES) {
      throw invalidInput(`You can create up to a maximum of ${MAX_TEMPLATES} permission templates`);
    }
    const now = nowSeconds();
    const tpl: PermissionTemplate = {
      id: randomUUID(),
      name,
      description: typeof body.Description === 'string' ? body.Description : '',
      entityPermissions,
      createdOn: now,
      modifiedOn: now,
      createdBy: account.owner,
      modifiedBy: account.owner,
    };
    t.templates.add(tpl);
    return sendValue(request, reply, { Status: 'Success', Message: { Id: tpl.id } });
  });

  endpoint(app, ['POST'], `${PT}/Update`, (request, reply) => {
    const account = accountOf(request);
    const t = account.tenant;
    const tpl = requireTemplate(t, queryParam(request, 'Id'));
    const body = bodyObject(request);
    if (body.Name !== undefined) {
      const name = requireTemplateName(body.Name);
      if (t.templates.templates.some((x) => x !== tpl && x.name.toLowerCase() === name.toLowerCase())) {
        throw duplicateEntry('A Permission Template with the same name already exists.');
      }
      tpl.name = name;
    }
    if (body.EntityPermissions !== undefined)
      tpl.entityPermissions = parseEntityPermissions(body.EntityPermissions);
    if (typeof body.Description === 'string') tpl.description = body.Description;
    tpl.modifiedOn = nowSeconds();
    tpl.modifiedBy = account.owner;
    return sendValue(request, reply, SUCCESS);
  });

  // Path UNCONFIRMED; the template id goes in the query string. Also removes every assignment.
  endpoint(app, ['GET', 'POST'], `${PT}/Delete`, (request, reply) => {
    const t = accountOf(request).tenant;
    const tpl = requireTemplate(t, queryParam(request, 'Id') ?? queryParam(request, 'TemplateId'));
    t.templates.removeEverywhere(tpl.id, false);
    return sendValue(request, reply, SUCCESS);
  });

  // overWriteAll=true replaces every assignment of the template with the ones given; with only an
  // Id that removes the template from every level (the documented "Remove").
  endpoint(app, ['POST'], `${PT}/Apply`, (request, reply) => {
    const account = accountOf(request);
    const t = account.tenant;
    const body = bodyObject(request);
    const tpl = requireTemplate(t, body.Id);
    const users = idList(body.UserIds, 'UserIds').map((id) => requireUser(t, id, 'UserIds'));
    const groups = idList(body.GroupIds, 'GroupIds').map((id) => {
      const g = t.groupIndexById(id);
      if (g < 0) throw invalidInput('Invalid Input! Parameter Name: GroupIds');
      return g;
    });
    const roles = idList(body.RoleIds, 'RoleIds').map((r) => {
      const k = roleIndex(r);
      if (k < 0) throw invalidInput('Invalid Input! Parameter Name: RoleIds');
      return ROLES[k];
    });
    const touchesAdmins =
      roles.includes('Administrator') || users.some((i) => t.users.role[i] === ROLE_ADMINISTRATOR);
    if (touchesAdmins && !t.superAdmins.has(account.owner)) {
      throw unauthorizedAccess('Only Super Administrators can apply permission templates to Administrators');
    }
    if (String(queryParam(request, 'overWriteAll')).toLowerCase() === 'true')
      t.templates.removeEverywhere(tpl.id, true);
    for (const i of users) t.templates.assign(t.templates.userLevel, i, tpl.id);
    for (const g of groups) t.templates.assign(t.templates.groupLevel, g, tpl.id);
    for (const r of roles) t.templates.assign(t.templates.roleLevel, r, tpl.id);
    return sendValue(request, reply, SUCCESS);
  });

  // Replaces each user's user-level template(s) with this one.
  endpoint(app, ['POST'], `${PT}/OverridePermissionTemplate`, (request, reply) => {
    const account = accountOf(request);
    const t = account.tenant;
    const body = bodyObject(request);
    const tpl = requireTemplate(t, body.Id);
    const users = idList(body.UserIds, 'UserIds').map((id) => requireUser(t, id, 'UserIds'));
    if (users.length === 0) throw mandatoryMissing("'UserIds' is mandatory");
    if (users.some((i) => t.users.role[i] === ROLE_ADMINISTRATOR) && !t.superAdmins.has(account.owner)) {
      throw unauthorizedAccess('Only Super Administrators can apply permission templates to Administrators');
    }
    for (const i of users) t.templates.userLevel.set(i, new Set([tpl.id]));
    return sendValue(request, reply, {
      Status: 'Success',
      Message: {
        AffectedRows: users.length,
        IsSuccessful: true,
        AffectedUserIds: users.map((i) => t.users.idOf(i)),
      },
    });
  });

  // Path UNCONFIRMED ([3P] note). Effective permissions across every template reaching the user.
  endpoint(app, ['GET'], `${PT}/User/GetPermissions`, (request, reply) => {
    const t = accountOf(request).tenant;
    const i = requireUser(t, queryParam(request, 'userId'), 'userId');
    const onlyUser = t.userSettings.get(i)?.ApplyOnlyUserSpecificPT === 1;
    const templates = t.templates.templatesFor(i, ROLES[t.users.role[i]], t.users.groupsOf(i), onlyUser);
    return sendValue(request, reply, {
      UserId: t.users.idOf(i),
      EntityPermissions: mergePermissions(templates),
    });
  });
}
