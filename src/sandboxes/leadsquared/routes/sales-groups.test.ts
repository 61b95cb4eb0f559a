import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../data/tenant.ts';
import type { LeadSquaredSandbox } from '../start.ts';
import { type LsqClient, startTestSandbox } from '../testing.ts';

const UG = '/v2/UserGroup.svc';
type Groups = { RecordCount: number; UserGroups?: { GroupId: string; Name: string; UserCount: string }[] };
type GroupUsers = { RecordCount: number; GroupUsers?: Record<string, unknown>[] };

describe('sales groups (reference §4, §9.9)', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  let t: Tenant;
  let callbacks: Record<string, unknown>[];
  let server: Server;
  let callbackUrl: string;
  beforeAll(async () => {
    ({ sandbox, lsq } = await startTestSandbox({ users: 600, asyncDelayMs: 50 }));
    t = sandbox.control.data;
    callbacks = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        callbacks.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lsq-callback`;
  });
  afterAll(async () => {
    await sandbox.close();
    server.close();
  });

  const salesUsers = () =>
    Array.from({ length: t.users.count }, (_, i) => i).filter((i) => t.isActive(i) && t.users.role[i] === 3);

  it('lists groups with UserCount as a string', async () => {
    const res = await lsq.get<Groups>(`${UG}/Retrieve`);
    expect(res.json.RecordCount).toBe(t.groups.length);
    const counts = t.groupMemberCounts();
    res.json.UserGroups!.forEach((g, k) => {
      expect(g).toMatchObject({
        GroupId: t.groups[k].id,
        Name: t.groups[k].name,
        UserCount: String(counts[k]),
      });
      expect(typeof g.UserCount).toBe('string');
    });
  });

  it('lists only a user’s groups when UserId is given', async () => {
    const member = salesUsers().find((i) => t.users.group1[i] >= 0)!;
    const res = await lsq.get<Groups>(`${UG}/Retrieve`, { query: { UserId: t.users.idOf(member) } });
    expect(res.json.UserGroups!.map((g) => g.GroupId)).toEqual(
      t.users.groupsOf(member).map((g) => t.groups[g].id),
    );
  });

  it('lists a group’s users with their six permission flags; managers have flags set', async () => {
    const res = await lsq.get<GroupUsers>(`${UG}/RetrieveUsers`, { query: { GroupId: t.groups[0].id } });
    expect(res.json.RecordCount).toBe(t.groupMemberCounts()[0]);
    const row = res.json.GroupUsers![0];
    expect(Object.keys(row)).toEqual([
      'GroupId',
      'GroupName',
      'UserId',
      'UserName',
      'ViewAllLeadsOfGroup',
      'ModifyAllLeadsOfGroup',
      'AddUsersToGroup',
      'ViewAllAccountsOfGroup',
      'ModifyAllAccountsOfGroup',
      'CreateGroupAutomation',
    ]);
    const managers = res.json.GroupUsers!.filter((u) => Object.values(u).some((v) => v === true));
    expect(managers.length).toBeGreaterThan(0);
    expect((await lsq.get(`${UG}/RetrieveUsers`)).status).toBe(500);
  });

  it('adds users asynchronously: RequestId now, change after the delay, result POSTed to CallbackURL', async () => {
    const create = await lsq.post<{ Status: string; Message: { Id: string } }>(`${UG}/Create`, {
      Name: 'My First Sales Group',
      Description: 'Sales Group for India',
    });
    const groupId = create.json.Message.Id;
    const [a, b] = salesUsers().slice(0, 2);
    const res = await lsq.post<{ Status: string; Response: { RequestType: string; RequestId: string } }>(
      `${UG}/AddUsers`,
      {
        GroupId: groupId,
        GroupUsers: [
          {
            UserId: t.users.idOf(a),
            ViewAllLeadsOfGroup: true,
            ModifyAllLeadsOfGroup: true,
            AddUsersToGroup: true,
          },
          { UserId: t.users.idOf(b) },
          { UserId: t.users.idOf(0) },
        ],
        CallbackURL: callbackUrl,
      },
    );
    expect(res.json.Status).toBe('Success');
    expect(res.json.Response.RequestType).toBe('Add Group Users');
    const requestId = res.json.Response.RequestId;
    // Not applied yet.
    const before = await lsq.get<GroupUsers>(`${UG}/RetrieveUsers`, { query: { GroupId: groupId } });
    expect(before.json).toEqual({ RecordCount: 0 });

    await sandbox.control.settle();
    const after = await lsq.get<GroupUsers>(`${UG}/RetrieveUsers`, { query: { GroupId: groupId } });
    expect(after.json.RecordCount).toBe(2);
    expect(after.json.GroupUsers![0]).toMatchObject({
      UserId: t.users.idOf(a),
      ViewAllLeadsOfGroup: true,
      CreateGroupAutomation: false,
    });
    // The Administrator is refused: only Sales Users belong to sales groups.
    expect(callbacks).toContainEqual(
      expect.objectContaining({
        RequestId: requestId,
        Status: 'PartialSuccess',
        SuccessCount: 2,
        FailureCount: 1,
        GroupId: groupId,
      }),
    );
    const status = (await (await fetch(`${sandbox.url}/__sandbox/requests/${requestId}`)).json()) as Record<
      string,
      unknown
    >;
    expect(status).toMatchObject({
      Status: 'Completed',
      CallbackStatus: 'Delivered',
      CallbackHttpStatus: 200,
    });

    const remove = await lsq.post<{ Response: { RequestType: string; RequestId: string } }>(
      `${UG}/RemoveUsers`,
      {
        GroupId: groupId,
        UserIds: [t.users.idOf(b)],
      },
    );
    expect(remove.json.Response.RequestType).toBe('Remove Group Users');
    await sandbox.control.settle();
    const left = await lsq.get<GroupUsers>(`${UG}/RetrieveUsers`, { query: { GroupId: groupId } });
    expect(left.json.GroupUsers!.map((u) => u.UserId)).toEqual([t.users.idOf(a)]);
    const users = await lsq.get<{ ID: string; MemberOfGroups?: string[] }[]>(
      '/v2/UserManagement.svc/Users.Get',
    );
    expect(users.json.find((u) => u.ID === t.users.idOf(a))!.MemberOfGroups).toContain(
      'My First Sales Group',
    );
  });

  it('deletes a group (groupId or GroupId)', async () => {
    const create = await lsq.post<{ Message: { Id: string } }>(`${UG}/Create`, { Name: 'Short-lived' });
    expect((await lsq.post(`${UG}/Create`, { Name: 'Short-lived' })).status).toBe(500);
    const del = await lsq.post(`${UG}/Delete`, { groupId: create.json.Message.Id });
    expect(del.json).toEqual({ Status: 'Success' });
    const list = await lsq.get<Groups>(`${UG}/Retrieve`);
    expect(list.json.UserGroups!.some((g) => g.GroupId === create.json.Message.Id)).toBe(false);
    expect((await lsq.post(`${UG}/Delete`, { GroupId: create.json.Message.Id })).status).toBe(500);
  });

  it('requires GroupId and each UserId', async () => {
    expect((await lsq.post(`${UG}/AddUsers`, { GroupUsers: [{ UserId: t.users.idOf(1) }] })).status).toBe(
      500,
    );
    expect((await lsq.post(`${UG}/AddUsers`, { GroupId: t.groups[0].id, GroupUsers: [{}] })).status).toBe(
      500,
    );
  });
});
