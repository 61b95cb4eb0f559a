import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadSquaredSandbox } from '../start.ts';
import { type LsqClient, startTestSandbox } from '../testing.ts';
import type { UserSnapshot } from '../views/user-views.ts';

const SEARCH = '/v2/UserManagement.svc/User/AdvancedSearch';
type SearchResult = { RecordCount: number; Users?: Record<string, string | null>[] };
type Mx = { Status: string; ExceptionType: string; ExceptionMessage: string };
type Condition = {
  LookupName: string;
  Operator: string;
  LookupValue: unknown;
  ConditionOperator?: string | null;
};

describe('User Advanced Search (reference §2.4, §9.7)', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  let users: UserSnapshot[];
  beforeAll(async () => {
    ({ sandbox, lsq } = await startTestSandbox({ users: 1200 }));
    users = [...sandbox.control.users()];
  });
  afterAll(() => sandbox.close());

  const search = (body: Record<string, unknown>) => lsq.post<SearchResult & Mx>(SEARCH, body);
  const ids = (r: SearchResult) => (r.Users ?? []).map((u) => String(u.UserId));
  const all = (conditions: Condition[], extra: Record<string, unknown> = {}) =>
    search({
      GroupConditions: [{ Condition: conditions }],
      Paging: { PageIndex: 1, PageSize: 1000 },
      ...extra,
    });
  const text = (u: UserSnapshot, name: string) => {
    const v = u.attributes[name];
    return v === null ? null : String(v).toLowerCase();
  };

  it('answers the documented request example with the documented shape', async () => {
    const res = await search({
      Columns: { Include_CSV: 'UserID,FirstName,LastName' },
      GroupConditions: [
        {
          Condition: [
            {
              LookupName: 'AssociatedPhoneNumbers',
              Operator: 'lik',
              LookupValue: '23',
              ConditionOperator: 'OR',
            },
            { LookupName: 'FirstName', Operator: 'lik', LookupValue: 'Bo', ConditionOperator: null },
          ],
          GroupOperator: null,
        },
      ],
      GroupOperator: null,
      Sorting: [{ ColumnName: 'FirstName', Direction: 0 }],
      Paging: { PageIndex: 1, PageSize: 5 },
    });
    expect(res.status).toBe(200);
    const expected = users.filter(
      (u) => text(u, 'AssociatedPhoneNumbers')?.includes('23') || text(u, 'FirstName')?.includes('bo'),
    );
    expect(res.json.RecordCount).toBe(expected.length);
    expect(res.json.Users).toHaveLength(5);
    const first = res.json.Users![0];
    // Unrequested attributes are present but null.
    expect(first.EmailAddress).toBeNull();
    expect(first.Role).toBeNull();
    expect(first.FirstName).not.toBeNull();
    expect(first.UserId).not.toBeNull();
  });

  it('returns StatusCode and IsAdministrator as strings, Groups as a comma-joined string, Team null', async () => {
    const member = users.find((u) => u.Groups.length === 2)!;
    const res = await all([{ LookupName: 'UserId', Operator: 'eq', LookupValue: member.UserId }], {
      Columns: { Include_CSV: '*' },
    });
    const row = res.json.Users![0];
    expect(row.StatusCode).toBe(String(member.StatusCode));
    expect(row.IsAdministrator).toBe(member.Role === 'Administrator' ? 'true' : 'false');
    expect(row.Groups).toBe(member.Groups.map((g) => g.Name).join(','));
    expect(row.Team).toBeNull();
    expect(row.TeamId).toBe(member.TeamId);
    expect(row.CreatedOn).toBe(member.CreatedOn);
    expect(row.ModifiedOn).toBe(member.ModifiedOn);
    expect(row.mx_Custom_12 === null || typeof row.mx_Custom_12 === 'string').toBe(true);
  });

  it('caps PageSize at 1000 with a 500 MXInvalidInputException', async () => {
    const res = await search({ Paging: { PageIndex: 1, PageSize: 1001 } });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({
      Status: 'Error',
      ExceptionType: 'MXInvalidInputException',
      ExceptionMessage: "PageSize can't be greater than 1000",
    });
  });

  it('answers ManagerName or TeamName in Include_CSV with 500; ManagerName comes with ManagerUserId', async () => {
    for (const csv of ['UserId,ManagerName', 'TeamName']) {
      const res = await search({ Columns: { Include_CSV: csv } });
      expect(res.status).toBe(500);
      expect(res.json.ExceptionMessage).toBe('User search has some invalid Attributes');
    }
    const managed = users.find((u) => u.ManagerUserId)!;
    const res = await all([{ LookupName: 'UserId', Operator: 'eq', LookupValue: managed.UserId }], {
      Columns: { Include_CSV: 'UserId,ManagerUserId' },
    });
    expect(res.json.Users![0].ManagerUserId).toBe(managed.ManagerUserId);
    expect(res.json.Users![0].ManagerName).toBe(managed.attributes.ManagerName);
  });

  it('implements every operator like the reference describes', async () => {
    const cases: [string, unknown, (u: UserSnapshot) => boolean, string][] = [
      ['eq', 'Sales_Manager', (u) => u.Role === 'Sales_Manager', 'Role'],
      ['neq', 'Sales_User', (u) => u.Role !== 'Sales_User', 'Role'],
      ['lik', 'an', (u) => text(u, 'FirstName')!.includes('an'), 'FirstName'],
      ['nlik', 'an', (u) => !text(u, 'FirstName')!.includes('an'), 'FirstName'],
      ['lik_s', 'Sa', (u) => text(u, 'LastName')!.startsWith('sa'), 'LastName'],
      ['lik_e', 'a', (u) => text(u, 'LastName')!.endsWith('a'), 'LastName'],
      ['n', '', (u) => u.attributes.PhoneMain === null, 'PhoneMain'],
      ['nn', '', (u) => u.attributes.PhoneMain !== null, 'PhoneMain'],
      ['eq', 0, (u) => u.StatusCode === 0, 'StatusCode'],
    ];
    for (const [op, value, predicate, field] of cases) {
      const res = await all([{ LookupName: field, Operator: op, LookupValue: value }]);
      const expected = users.filter(predicate).map((u) => u.UserId);
      expect({ op, count: res.json.RecordCount }).toEqual({ op, count: expected.length });
      expect(ids(res.json)).toEqual(expected.slice(0, 1000));
    }
  });

  it('chains conditions with ConditionOperator and groups with GroupOperator', async () => {
    const and = await all([
      { LookupName: 'Role', Operator: 'eq', LookupValue: 'Sales_User', ConditionOperator: 'AND' },
      { LookupName: 'StatusCode', Operator: 'eq', LookupValue: '1', ConditionOperator: null },
    ]);
    expect(and.json.RecordCount).toBe(
      users.filter((u) => u.Role === 'Sales_User' && u.StatusCode === 1).length,
    );
    const or = await all([
      { LookupName: 'Role', Operator: 'eq', LookupValue: 'Administrator', ConditionOperator: 'OR' },
      { LookupName: 'Role', Operator: 'eq', LookupValue: 'Marketing_User' },
    ]);
    expect(or.json.RecordCount).toBe(
      users.filter((u) => u.Role === 'Administrator' || u.Role === 'Marketing_User').length,
    );
    const groups = await search({
      GroupConditions: [
        {
          Condition: [
            { LookupName: 'Role', Operator: 'eq', LookupValue: 'Administrator', ConditionOperator: 'OR' },
            { LookupName: 'Role', Operator: 'eq', LookupValue: 'Sales_Manager' },
          ],
          GroupOperator: 'AND',
        },
        { Condition: [{ LookupName: 'StatusCode', Operator: 'eq', LookupValue: 0 }] },
      ],
      Paging: { PageIndex: 1, PageSize: 1000 },
    });
    expect(groups.json.RecordCount).toBe(
      users.filter((u) => (u.Role === 'Administrator' || u.Role === 'Sales_Manager') && u.StatusCode === 0)
        .length,
    );
    const mixed = await all([
      { LookupName: 'Role', Operator: 'eq', LookupValue: 'Administrator', ConditionOperator: 'OR' },
      { LookupName: 'Role', Operator: 'eq', LookupValue: 'Sales_Manager', ConditionOperator: 'AND' },
      { LookupName: 'StatusCode', Operator: 'eq', LookupValue: 0 },
    ]);
    expect(mixed.status).toBe(500);
  });

  it('filters team members by TeamId (how a team’s members are read)', async () => {
    const team = users[10].TeamId;
    const res = await all([{ LookupName: 'TeamId', Operator: 'eq', LookupValue: team }]);
    expect(res.json.RecordCount).toBe(users.filter((u) => u.TeamId === team).length);
  });

  it('sorts by a Sorting array, ascending (0) and descending (1)', async () => {
    const byName = await search({
      Sorting: [
        { ColumnName: 'FirstName', Direction: 1 },
        { ColumnName: 'UserId', Direction: 0 },
      ],
      Paging: { PageIndex: 1, PageSize: 1000 },
    });
    const names = byName.json.Users!.map((u) => u.FirstName!.toLowerCase());
    expect(names).toEqual([...names].sort().reverse());
    const byCreated = await search({
      Sorting: [{ ColumnName: 'CreatedOn', Direction: 0 }],
      Paging: { PageIndex: 1, PageSize: 1000 },
    });
    const created = byCreated.json.Users!.map((u) => u.CreatedOn!);
    expect(created).toEqual([...created].sort());
    const desc = await search({
      Sorting: [{ ColumnName: 'UserId', Direction: 1 }],
      Paging: { PageIndex: 1, PageSize: 3 },
    });
    expect(ids(desc.json)).toEqual(
      users
        .map((u) => u.UserId)
        .reverse()
        .slice(0, 3),
    );
  });

  it('pages 1-based through every user without gaps or overlaps; an empty page has no Users key', async () => {
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const res = await search({
        Sorting: [{ ColumnName: 'UserId', Direction: 0 }],
        Paging: { PageIndex: page, PageSize: 250 },
      });
      expect(res.json.RecordCount).toBe(users.length);
      if (!res.json.Users) {
        expect(res.json).toEqual({ RecordCount: users.length });
        break;
      }
      seen.push(...ids(res.json));
      if (res.json.Users.length < 250) break;
    }
    expect(seen).toEqual(users.map((u) => u.UserId));
    const zero = await search({ Paging: { PageIndex: 0, PageSize: 10 } });
    expect(zero.status).toBe(500);
  });

  it('reflects writes in later searches (the result cache is invalidated)', async () => {
    const first = await all([
      { LookupName: 'EmailAddress', Operator: 'lik_e', LookupValue: '@search.example.com' },
    ]);
    expect(first.json).toEqual({ RecordCount: 0 });
    await lsq.post('/v2/UserManagement.svc/User/Create', {
      FirstName: 'Zed',
      EmailAddress: 'zed@search.example.com',
      Role: 'Sales_User',
    });
    const second = await all([
      { LookupName: 'EmailAddress', Operator: 'lik_e', LookupValue: '@search.example.com' },
    ]);
    expect(second.json.RecordCount).toBe(1);
  });

  it('escapes text written through the API (quotes, backslashes, control characters, non-ASCII)', async () => {
    const name = 'Zoë "Q" \\ back\nline';
    const created = await lsq.post<{ Message: { Id: string } }>('/v2/UserManagement.svc/User/Create', {
      FirstName: name,
      EmailAddress: 'zoe@escape.example.com',
      Role: 'Sales_User',
    });
    const group = await lsq.post<{ Message: { Id: string } }>('/v2/UserGroup.svc/Create', {
      Name: 'Ops "West"',
    });
    const generated = users.find((u) => u.Role === 'Sales_User' && u.StatusCode === 0)!;
    await lsq.post('/v2/UserGroup.svc/AddUsers', {
      GroupId: group.json.Message.Id,
      GroupUsers: [{ UserId: generated.UserId }],
    });
    await sandbox.control.settle();
    const mine = await all([{ LookupName: 'UserId', Operator: 'eq', LookupValue: created.json.Message.Id }]);
    expect(mine.json.Users![0].FirstName).toBe(name);
    const theirs = await all([{ LookupName: 'UserId', Operator: 'eq', LookupValue: generated.UserId }]);
    expect(theirs.json.Users![0].Groups).toContain('Ops "West"');
  });

  it('rejects unknown attributes and operators', async () => {
    expect((await all([{ LookupName: 'Nope', Operator: 'eq', LookupValue: 1 }])).status).toBe(500);
    expect((await all([{ LookupName: 'FirstName', Operator: 'gt', LookupValue: 'a' }])).status).toBe(500);
    expect((await search({ Columns: { Include_CSV: 'FirstName,Nope' } })).status).toBe(500);
    expect((await search({ Sorting: [{ ColumnName: 'Nope', Direction: 0 }] })).status).toBe(500);
  });
});
