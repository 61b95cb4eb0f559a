import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../data/tenant.ts';
import type { LeadSquaredSandbox } from '../start.ts';
import { type LsqClient, startTestSandbox } from '../testing.ts';

const UM = '/v2/UserManagement.svc';

describe('user reads (reference §2.1-2.3, 2.9, 2.12-2.14)', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  let t: Tenant;
  let active: number;
  let inactive: number;
  let noGroup: number;
  let inGroup: number;
  beforeAll(async () => {
    ({ sandbox, lsq } = await startTestSandbox({ users: 400 }));
    t = sandbox.control.data;
    const u = t.users;
    const all = Array.from({ length: u.count }, (_, i) => i);
    active = all.find((i) => i > 0 && u.status[i] === 0 && u.group1[i] >= 0)!;
    inactive = all.find((i) => u.status[i] === 1)!;
    noGroup = all.find((i) => u.group1[i] < 0)!;
    inGroup = active;
  });
  afterAll(() => sandbox.close());

  it('Users.Get lists every user, active and inactive, in one array with the documented keys', async () => {
    const res = await lsq.get<Record<string, unknown>[]>(`${UM}/Users.Get`);
    expect(res.status).toBe(200);
    expect(res.json).toHaveLength(400);
    const byId = new Map(res.json.map((x) => [x.ID, x]));
    const a = byId.get(t.users.idOf(inGroup))!;
    expect(Object.keys(a)).toEqual([
      'ID',
      'FirstName',
      'LastName',
      'EmailAddress',
      'Role',
      'StatusCode',
      'MemberOfGroups',
      'Tag',
      'IsPhoneCallAgent',
    ]);
    expect(a.StatusCode).toBe(0);
    expect(a.MemberOfGroups).toEqual(t.users.groupsOf(inGroup).map((g) => t.groups[g].name));
    expect(byId.get(t.users.idOf(inactive))!.StatusCode).toBe(1);
    // MemberOfGroups is left out when the user has no group.
    expect('MemberOfGroups' in byId.get(t.users.idOf(noGroup))!).toBe(false);
  });

  it('Get User by Id returns a one-element array with Groups as {Id, Name} objects', async () => {
    const res = await lsq.get<Record<string, unknown>[]>(`${UM}/User/Retrieve/ByUserId`, {
      query: { userId: t.users.idOf(inGroup) },
    });
    expect(res.json).toHaveLength(1);
    const user = res.json[0];
    expect(user.UserId).toBe(t.users.idOf(inGroup));
    expect(user.Groups).toEqual(
      t.users.groupsOf(inGroup).map((g) => ({ Id: t.groups[g].id, Name: t.groups[g].name })),
    );
    expect(typeof user.OrgId).toBe('number');
    expect(typeof user.IsPhoneCallAgent).toBe('boolean');
    expect(user.TeamId).toBe(t.teams.teams[t.users.team[inGroup]].id);
    expect(user.TeamName).toBe(t.teams.teams[t.users.team[inGroup]].name);
    for (let n = 1; n <= 10; n++) expect(typeof user[`mx_Custom_${n}`]).toBe('string');
    expect('mx_Custom_11' in user).toBe(false);
  });

  it('Get User by Id / by Email return [] for inactive and unknown users', async () => {
    const byId = (id: string) => lsq.get(`${UM}/User/Retrieve/ByUserId`, { query: { userId: id } });
    expect((await byId(t.users.idOf(inactive))).json).toEqual([]);
    expect((await byId('718ae557-9d0b-11e7-b0ab-02e89b2fb8f4')).json).toEqual([]);
    const byEmail = (email: string) =>
      lsq.get(`${UM}/User/Retrieve/ByEmailAddress`, { query: { emailAddress: email } });
    expect((await byEmail(t.users.emailOf(inactive))).json).toEqual([]);
    expect((await byEmail('nobody@example.com')).json).toEqual([]);
  });

  it('Get User by Email matches case-insensitively', async () => {
    const res = await lsq.get<{ UserId: string }[]>(`${UM}/User/Retrieve/ByEmailAddress`, {
      query: { EmailAddress: t.users.emailOf(active).toUpperCase() },
    });
    expect(res.json[0].UserId).toBe(t.users.idOf(active));
  });

  it('Get User Hierarchy returns the whole subtree as bare id strings (key owner by default)', async () => {
    const expected = (manager: number) => {
      const out = new Set<string>();
      const walk = (m: number) => {
        for (let i = 0; i < t.users.count; i++) {
          if (t.users.manager[i] === m) {
            out.add(t.users.idOf(i));
            walk(i);
          }
        }
      };
      walk(manager);
      return out;
    };
    const manager = t.users.manager[active];
    const res = await lsq.get<string[]>(`${UM}/ReportingHierarchy/RetrieveAllReportingUsers`, {
      query: { UserId: t.users.idOf(manager) },
    });
    expect(new Set(res.json)).toEqual(expected(manager));
    expect(res.json.every((x) => typeof x === 'string')).toBe(true);
    const owner = await lsq.get<string[]>(`${UM}/ReportingHierarchy/RetrieveAllReportingUsers`);
    expect(new Set(owner.json)).toEqual(expected(0));
  });

  it('Get User Attributes lists system and custom fields; Options is a JSON string', async () => {
    const all = await lsq.post<{ TotalUserAttributes: number; UserAttributes: Record<string, unknown>[] }>(
      `${UM}/User/Attribute/Retrieve`,
    );
    expect(all.json.TotalUserAttributes).toBe(all.json.UserAttributes.length);
    const some = await lsq.post<{ TotalUserAttributes: number; UserAttributes: Record<string, unknown>[] }>(
      `${UM}/User/Attribute/Retrieve`,
      { Parameter: { LookupName: 'SchemaName', LookupValue: 'mx_Custom_1, mx_Custom_3' } },
    );
    expect(some.json.TotalUserAttributes).toBe(2);
    const marital = some.json.UserAttributes.find((a) => a.InternalSchemaName === 'mx_Custom_3')!;
    expect(typeof marital.Options).toBe('string');
    expect(JSON.parse(String(marital.Options))[0]).toMatchObject({ Value: 'Single', Order: 1 });
  });

  it('Get User Tags returns lower-case key/value pairs, [] for inactive users', async () => {
    const res = await lsq.get<{ key: string; value: string }[]>(`${UM}/Retrieve/GetTags`, {
      query: { userId: t.users.idOf(active) },
    });
    expect(Array.isArray(res.json)).toBe(true);
    for (const tag of res.json) expect(Object.keys(tag)).toEqual(['key', 'value']);
    const none = await lsq.get(`${UM}/Retrieve/GetTags`, { query: { userId: t.users.idOf(inactive) } });
    expect(none.json).toEqual([]);
  });

  it('Authenticate describes the key owner with the documented quirks', async () => {
    const res = await lsq.get<Record<string, unknown>>('/v2/Authentication.svc/UserByAccessKey.Get');
    expect(res.json).toMatchObject({
      Id: t.users.idOf(0),
      PassPhrase: t.users.emailOf(0),
      EmailAddress: null,
      Role: 'Administrator',
      Class: '1',
      Type: 'ApplicationUser',
      OrgShortCode: String(t.orgId),
    });
    expect(res.json.OrgId).toMatch(/^[0-9a-f-]{36}$/);
    expect('Status' in res.json).toBe(false);
    expect((res.json.LSQCommonServiceURLs as { api: string }).api).toBe(new URL(sandbox.url).host);
  });

  it('Notify Users takes either addresses or roles', async () => {
    const content = { From: 'noreply@leadsquared.com', Subject: 'Hi', ContentHTML: '<p>Hello</p>' };
    const ok = await lsq.post(`${UM}/NotifyUsers`, {
      EmailContent: content,
      UserEmailAddresses: [t.users.emailOf(active)],
      Roles: [],
    });
    expect(ok.json).toEqual({ Status: 'Success' });
    expect(t.notifications.at(-1)?.recipients).toEqual([t.users.emailOf(active)]);
    const both = await lsq.post(`${UM}/NotifyUsers`, {
      EmailContent: content,
      UserEmailAddresses: [t.users.emailOf(active)],
      Roles: ['Sales_User'],
    });
    expect(both.status).toBe(500);
    const byRole = await lsq.post(`${UM}/NotifyUsers`, { EmailContent: content, Roles: ['Administrator'] });
    expect(byRole.json).toEqual({ Status: 'Success' });
  });
});
