import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../data/tenant.ts';
import type { LeadSquaredSandbox } from '../start.ts';
import { type LsqClient, startTestSandbox } from '../testing.ts';

const PT = '/v2/PermissionTemplate.svc';
type Perms = {
  UserId: string;
  EntityPermissions: {
    Entity: string;
    Permissions: { Action: string; Access: string; Properties?: { RestrictedFields?: string[] } }[];
  }[];
};

const EXAMPLE = {
  Name: 'Template API',
  Description: 'Restrict names',
  EntityPermissions: [
    {
      Entity: 'Lead',
      Permissions: [
        {
          Action: 'Create',
          Access: 'PartialAccess',
          Properties: { RestrictedFields: ['FirstName', 'LastName'], Restrictions: [] },
        },
        {
          Action: 'Edit',
          Access: 'PartialAccess',
          Properties: { RestrictedFields: ['FirstName', 'LastName'] },
        },
        { Action: 'Delete', Access: 'NoAccess' },
        { Action: 'Import', Access: 'NoAccess' },
        { Action: 'Export', Access: 'NoAccess' },
      ],
    },
  ],
};

describe('permission templates (reference §3, §9.10)', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  let t: Tenant;
  let templateId: string;
  beforeAll(async () => {
    ({ sandbox, lsq } = await startTestSandbox({ users: 300 }));
    t = sandbox.control.data;
  });
  afterAll(() => sandbox.close());

  const userWithRole = (role: number) =>
    Array.from({ length: t.users.count }, (_, i) => i).find(
      (i) => i > 0 && t.users.role[i] === role && t.isActive(i),
    )!;
  const permissions = async (i: number) =>
    (await lsq.get<Perms>(`${PT}/User/GetPermissions`, { query: { userId: t.users.idOf(i) } })).json;
  const access = (p: Perms, entity: string, action: string) =>
    p.EntityPermissions.find((e) => e.Entity === entity)!.Permissions.find((x) => x.Action === action)!;

  it('creates a template from the documented example (Edit is stored as Update)', async () => {
    const res = await lsq.post<{ Status: string; Message: { Id: string } }>(`${PT}/Create`, EXAMPLE);
    expect(res.json.Status).toBe('Success');
    templateId = res.json.Message.Id;
    const got = await lsq.post<{ RecordCount: number; List: Record<string, unknown>[] }>(`${PT}/Retrieve`, {
      Parameter: { TemplateId: templateId },
    });
    expect(got.json.RecordCount).toBe(1);
    expect(got.json.List[0]).toMatchObject({ Id: templateId, Name: 'Template API' });
    expect(JSON.stringify(got.json.List[0].EntityPermissions)).toContain('"Action":"Update"');
    expect((await lsq.post(`${PT}/Create`, EXAMPLE)).status).toBe(500);
    expect(
      (
        await lsq.post(`${PT}/Create`, {
          Name: 'Bad',
          EntityPermissions: [{ Entity: 'Lead', Permissions: [{ Action: 'Fly', Access: 'NoAccess' }] }],
        })
      ).status,
    ).toBe(500);
  });

  it('retrieves with SearchText (blank = all), sorting and paging; empty pages omit List', async () => {
    const all = await lsq.post<{ RecordCount: number; List: { Name: string }[] }>(`${PT}/Retrieve`, {
      Parameter: { SearchText: ' ' },
      Sorting: { ColumnName: 'ModifiedOn', Direction: 1 },
      Paging: { PageIndex: 1, PageSize: 100 },
    });
    expect(all.json.RecordCount).toBe(t.templates.templates.length);
    expect(all.json.List[0].Name).toBe('Template API');
    const found = await lsq.post<{ RecordCount: number }>(`${PT}/Retrieve`, {
      Parameter: { SearchText: 'template api' },
    });
    expect(found.json.RecordCount).toBe(1);
    const none = await lsq.post(`${PT}/Retrieve`, { Parameter: { SearchText: 'zzz' } });
    expect(none.json).toEqual({ RecordCount: 0 });
  });

  it('applies at role level and merges the most restrictive access into Get User Permissions', async () => {
    const marketer = userWithRole(1);
    expect(access(await permissions(marketer), 'Lead', 'Delete').Access).toBe('FullAccess');
    const res = await lsq.post(`${PT}/Apply`, {
      Id: templateId,
      UserIds: [],
      GroupIds: [],
      RoleIds: ['Marketing_User'],
    });
    expect(res.json).toEqual({ Status: 'Success', Message: { IsSuccessful: true } });
    const after = await permissions(marketer);
    expect(after.UserId).toBe(t.users.idOf(marketer));
    expect(access(after, 'Lead', 'Delete').Access).toBe('NoAccess');
    expect(access(after, 'Lead', 'Update')).toMatchObject({
      Access: 'PartialAccess',
      Properties: { RestrictedFields: ['FirstName', 'LastName'] },
    });
  });

  it('honours ApplyOnlyUserSpecificPT', async () => {
    const marketer = userWithRole(1);
    await lsq.post(`/v2/UserManagement.svc/User/Update?UserId=${t.users.idOf(marketer)}`, {
      userSettings: { ApplyOnlyUserSpecificPT: 1 },
    });
    expect(access(await permissions(marketer), 'Lead', 'Delete').Access).toBe('FullAccess');
  });

  it('overrides a user-level template and reports the affected users', async () => {
    const seller = userWithRole(3);
    const res = await lsq.post<{ Message: Record<string, unknown> }>(`${PT}/OverridePermissionTemplate`, {
      Id: templateId,
      UserIds: [t.users.idOf(seller)],
    });
    expect(res.json.Message).toEqual({
      AffectedRows: 1,
      IsSuccessful: true,
      AffectedUserIds: [t.users.idOf(seller)],
    });
    expect([...(t.templates.userLevel.get(seller) ?? [])]).toEqual([templateId]);
  });

  it('removes the template from every level with Apply?overWriteAll=true and only an Id', async () => {
    const res = await lsq.post(`${PT}/Apply?overWriteAll=true`, { Id: templateId });
    expect(res.json).toEqual({ Status: 'Success', Message: { IsSuccessful: true } });
    const marketerPerms = await permissions(userWithRole(1));
    expect(access(marketerPerms, 'Lead', 'Delete').Access).toBe('FullAccess');
    expect(t.templates.byId(templateId)).toBeDefined();
  });

  it('updates and deletes (id in the query string)', async () => {
    const upd = await lsq.post(`${PT}/Update?Id=${templateId}`, { ...EXAMPLE, Description: 'changed' });
    expect(upd.json).toEqual({ Status: 'Success', Message: { IsSuccessful: true } });
    expect(t.templates.byId(templateId)!.description).toBe('changed');
    const del = await lsq.post(`${PT}/Delete?Id=${templateId}`);
    expect(del.json).toEqual({ Status: 'Success', Message: { IsSuccessful: true } });
    expect(t.templates.byId(templateId)).toBeUndefined();
    expect((await lsq.post(`${PT}/Delete?Id=${templateId}`)).status).toBe(500);
  });

  it('lets only a super administrator restrict Administrators', async () => {
    const other = sandbox.control.addAccount({ shareDataWith: true });
    const tpl = t.templates.templates[0].id;
    const res = await lsq.post(`${PT}/Apply`, { Id: tpl, RoleIds: ['Administrator'] }, { keys: other });
    expect(res.status).toBe(401);
    expect((await lsq.post(`${PT}/Apply`, { Id: tpl, RoleIds: ['Administrator'] })).status).toBe(200);
  });
});
