import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../data/tenant.ts';
import type { LeadSquaredSandbox } from '../start.ts';
import { type LsqClient, startTestSandbox } from '../testing.ts';

const UM = '/v2/UserManagement.svc';
type Mx = { Status: string; ExceptionType: string; ExceptionMessage: string };

describe('user writes and lifecycle (reference §2.5-2.8, 2.11, §9.8)', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  let t: Tenant;
  beforeAll(async () => {
    ({ sandbox, lsq } = await startTestSandbox({ users: 300 }));
    t = sandbox.control.data;
  });
  afterAll(() => sandbox.close());

  const create = (body: Record<string, unknown>) =>
    lsq.post<{ Status: string; Message: { Id: string } } & Mx>(`${UM}/User/Create`, body);
  const byId = (id: string) =>
    lsq.get<Record<string, unknown>[]>(`${UM}/User/Retrieve/ByUserId`, { query: { userId: id } });

  it('creates a user from the documented example body and returns Message.Id', async () => {
    const res = await create({
      FirstName: 'Chris',
      LastName: 'Harris',
      EmailAddress: 'charris@example.com',
      Role: 'Sales_User',
      CustomFields: { Marital_Status: 'Single', Lead_Assignment_Daily_Limit: '30' },
      AssociatedPhoneNumbers: '+91-8888888888',
      IsPhoneCallAgent: false,
      UserType: 0,
      ManagerUserId: t.users.idOf(0),
      PhoneMobile: '',
      TimeZone: '',
      DateFormat: '',
      Password: '',
      TeamId: '',
      WorkDayTemplateId: '',
      HolidayCalendarId: '',
      AssociatedGroups: [{ GroupId: t.groups[0].id, ViewAllLeadsOfGroup: 1, ModifyAllLeadsOfGroup: 0 }],
    });
    expect(res.status).toBe(200);
    expect(res.json.Status).toBe('Success');
    expect(res.json.Message.Id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const [user] = (await byId(res.json.Message.Id)).json;
    expect(user).toMatchObject({
      FirstName: 'Chris',
      LastName: 'Harris',
      EmailAddress: 'charris@example.com',
      Role: 'Sales_User',
      ManagerUserId: t.users.idOf(0),
      mx_Custom_3: 'Single',
      mx_Custom_2: '30',
      Groups: [{ Id: t.groups[0].id, Name: t.groups[0].name }],
    });
  });

  it('requires FirstName, EmailAddress and a Role from the enum', async () => {
    const missing = await create({ EmailAddress: 'a@example.com', Role: 'Sales_User' });
    expect(missing.status).toBe(500);
    expect(missing.json.ExceptionType).toBe('MXMandatoryAttributeMissingException');
    const badRole = await create({ FirstName: 'A', EmailAddress: 'a@example.com', Role: 'Super_Admin' });
    expect(badRole.status).toBe(500);
    expect(badRole.json.ExceptionType).toBe('MXInvalidInputException');
  });

  it('rejects a duplicate email, including a deactivated user’s, case-insensitively', async () => {
    const dup = await create({
      FirstName: 'X',
      EmailAddress: t.users.emailOf(5).toUpperCase(),
      Role: 'Sales_User',
    });
    expect(dup.status).toBe(500);
    expect(dup.json).toMatchObject({ Status: 'Error', ExceptionType: 'MXDuplicateEntryException' });
    const inactive = Array.from({ length: t.users.count }, (_, i) => i).find((i) => t.users.status[i] === 1)!;
    const again = await create({
      FirstName: 'X',
      EmailAddress: t.users.emailOf(inactive),
      Role: 'Sales_User',
    });
    expect(again.status).toBe(500);
    expect(again.json.ExceptionType).toBe('MXDuplicateEntryException');
  });

  it('allows MarkObsolete only after deactivation, and then frees the email', async () => {
    const user = 7;
    const id = t.users.idOf(user);
    const email = t.users.emailOf(user);
    if (t.users.status[user] === 1) await lsq.get(`${UM}/User/Activate`, { query: { userId: id } });
    const early = await lsq.get<Mx>(`${UM}/User/MarkObsolete`, { query: { userid: id } });
    expect(early.status).toBe(500);
    expect(early.json.Status).toBe('Error');

    expect((await lsq.post(`${UM}/User/Deactivate?userId=${id}`)).json).toEqual({ Status: 'Success' });
    expect((await byId(id)).json).toEqual([]);
    const search = await lsq.post<{ Users: { StatusCode: string }[] }>(`${UM}/User/AdvancedSearch`, {
      GroupConditions: [{ Condition: [{ LookupName: 'UserId', Operator: 'eq', LookupValue: id }] }],
    });
    expect(search.json.Users[0].StatusCode).toBe('1');

    expect((await lsq.get(`${UM}/User/MarkObsolete`, { query: { userid: id } })).json).toEqual({
      Status: 'Success',
    });
    const reused = await create({ FirstName: 'New', EmailAddress: email, Role: 'Marketing_User' });
    expect(reused.json.Status).toBe('Success');
    const found = await lsq.get<{ UserId: string }[]>(`${UM}/User/Retrieve/ByEmailAddress`, {
      query: { emailAddress: email },
    });
    expect(found.json[0].UserId).toBe(reused.json.Message.Id);
  });

  it('activates a deactivated user', async () => {
    const id = t.users.idOf(9);
    await lsq.get(`${UM}/User/Deactivate`, { query: { userId: id } });
    expect((await byId(id)).json).toEqual([]);
    expect((await lsq.get(`${UM}/User/Activate`, { query: { userId: id } })).json).toEqual({
      Status: 'Success',
    });
    expect((await byId(id)).json).toHaveLength(1);
  });

  it('refuses to deactivate the billing user', async () => {
    const res = await lsq.get<Mx>(`${UM}/User/Deactivate`, { query: { userId: t.users.idOf(0) } });
    expect(res.status).toBe(500);
    expect(t.users.status[0]).toBe(0);
  });

  it('updates a user from the documented example; EmailAddress, ManagerUserId and StatusCode are not updatable', async () => {
    const id = t.users.idOf(11);
    const res = await lsq.post<{ Status: string }>(`${UM}/User/Update?UserId=${id}`, {
      user: { LastName: 'Kant', AssociatedPhoneNumbers: '+91-999999999', mx_Custom_5: 'Tamil' },
      userSettings: { IsSoftPhoneEnabled: 1, ApplyOnlyUserSpecificPT: 1, IgnoreIPRestrictionForLogin: 0 },
    });
    expect(res.json.Status).toBe('Success');
    expect(sandbox.control.user(id)?.attributes).toMatchObject({
      LastName: 'Kant',
      AssociatedPhoneNumbers: '+91-999999999',
      mx_Custom_5: 'Tamil',
    });
    for (const user of [
      { EmailAddress: 'z@example.com' },
      { ManagerUserId: t.users.idOf(0) },
      { StatusCode: 1 },
    ]) {
      const bad = await lsq.post<Mx>(`${UM}/User/Update?UserId=${id}`, { user });
      expect(bad.status).toBe(500);
      expect(bad.json.ExceptionType).toBe('MXInvalidInputException');
    }
  });

  it('Update Users in Bulk moves every matching user to a team', async () => {
    const team = t.teams.teams[2];
    const res = await lsq.post<{ Status: string; Message: { AffectedRows: number } }>(
      `${UM}/User/Bulk/Update`,
      {
        Conditions: [{ Condition: [{ LookupName: 'Role', Operator: 'eq', LookupValue: 'Marketing_User' }] }],
        Attribute: 'TeamId',
        Value: team.id,
      },
    );
    const marketing = [...sandbox.control.users()].filter((u) => u.Role === 'Marketing_User');
    expect(res.json.Message.AffectedRows).toBe(marketing.length);
    expect(marketing.every((u) => u.TeamId === team.id)).toBe(true);
    const none = await lsq.post<Mx>(`${UM}/User/Bulk/Update`, {
      Conditions: [],
      Attribute: 'TeamId',
      Value: team.id,
    });
    expect(none.status).toBe(500);
  });

  it('Update Managers in Bulk answers with a WFAId and applies the change asynchronously (at most 100)', async () => {
    const [user, manager] = [20, 3];
    const res = await lsq.post<{ ErrorMessage: null; Status: string; WFAId: string }>(
      `${UM}/UpdateReportingManagerInBulk`,
      [
        { UserId: t.users.idOf(user), ManagerId: t.users.idOf(manager) },
        { UserId: t.users.idOf(manager), ManagerId: t.users.idOf(user) },
      ],
    );
    expect(res.json).toMatchObject({ ErrorMessage: null, Status: 'Success' });
    expect(res.json.WFAId).toMatch(/^\d+$/);
    await sandbox.control.settle();
    expect(t.users.manager[user]).toBe(manager);
    // The second item would make a cycle.
    expect(sandbox.control.request(res.json.WFAId)).toMatchObject({ SuccessCount: 1, FailureCount: 1 });
    const tooMany = Array.from({ length: 101 }, () => ({
      UserId: t.users.idOf(1),
      ManagerId: t.users.idOf(0),
    }));
    expect((await lsq.post(`${UM}/UpdateReportingManagerInBulk`, tooMany)).status).toBe(500);
  });
});
