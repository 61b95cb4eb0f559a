import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../data/tenant.ts';
import type { LeadSquaredSandbox } from '../start.ts';
import { type LsqClient, startTestSandbox } from '../testing.ts';

const TM = '/v2/TeamManagement.svc';
type TeamJson = Record<string, unknown> & {
  Code: number;
  Name: string;
  TeamId: string;
  ChildTeams: TeamJson[] | null;
};
type Teams = { FetchedOn: string; RecordCount: number; Teams: TeamJson[] };

describe('teams (reference §5, §9.11)', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  let t: Tenant;
  beforeAll(async () => {
    ({ sandbox, lsq } = await startTestSandbox({ users: 2000 }));
    t = sandbox.control.data;
  });
  afterAll(() => sandbox.close());

  const flatten = (teams: TeamJson[]): TeamJson[] =>
    teams.flatMap((x) => [x, ...flatten(x.ChildTeams ?? [])]);

  it('returns the tree under one root with the documented shape and quirks', async () => {
    const res = await lsq.get<Teams>(`${TM}/Retrieve`, { query: { getHierarchical: 'true' } });
    expect(res.json.FetchedOn).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(res.json.RecordCount).toBe(t.teams.teams.length);
    expect(res.json.Teams).toHaveLength(1);
    const root = res.json.Teams[0];
    expect(root).toMatchObject({
      ParentId: null,
      ParentCode: 0,
      ParentName: null,
      Depth: 0,
      Code: 1,
      Name: t.orgName,
    });
    for (const key of [
      'WorkDayTemplateId',
      'WorkdayTemplateCode',
      'HolidayCalendarId',
      'SmartViewCode',
      'IsReplaceUserSmartViewOverridden',
    ]) {
      expect(key in root).toBe(true);
    }
    const all = flatten(res.json.Teams);
    expect(all).toHaveLength(t.teams.teams.length);
    // UserCount is a number here, and the teams' direct members add up to every listed user.
    expect(all.every((x) => typeof x.UserCount === 'number')).toBe(true);
    expect(all.reduce((s, x) => s + (x.UserCount as number), 0)).toBe(t.users.count);
    const child = root.ChildTeams![0];
    expect(child).toMatchObject({ ParentId: root.TeamId, ParentCode: 1, ParentName: root.Name, Depth: 1 });
  });

  it('returns a flat list without getHierarchical', async () => {
    const res = await lsq.get<Teams>(`${TM}/Retrieve`);
    expect(res.json.Teams).toHaveLength(t.teams.teams.length);
    expect(res.json.Teams.every((x) => x.ChildTeams === null)).toBe(true);
  });

  it('creates a team under a parent, inheriting its settings, and validates Sequence', async () => {
    const parent = t.teams.teams[1];
    const bad = await lsq.post(`${TM}/Create`, { Name: 'Too Far', ParentCode: parent.code, Sequence: 99 });
    expect(bad.status).toBe(500);
    const res = await lsq.post<{ Status: string; Message: { Id: string; Code: number } }>(`${TM}/Create`, {
      Name: 'Night Owls',
      Description: 'Late shift',
      ParentCode: parent.code,
    });
    expect(res.json.Status).toBe('Success');
    const list = await lsq.get<Teams>(`${TM}/Retrieve`);
    const created = list.json.Teams.find((x) => x.Code === res.json.Message.Code)!;
    const parentJson = list.json.Teams.find((x) => x.Code === parent.code)!;
    expect(created).toMatchObject({
      TeamId: res.json.Message.Id,
      ParentCode: parent.code,
      IsWorkDayTemplateOverridden: false,
      WorkdayTemplateCode: parentJson.WorkdayTemplateCode,
      UserCount: 0,
    });
    expect((await lsq.post(`${TM}/Create`, { Description: 'no name' })).status).toBe(500);
  });

  it('updates a team by Code given as a string or a number', async () => {
    const team = t.teams.teams[2];
    const res = await lsq.post<{ Status: string }>(`${TM}/Update`, {
      Code: String(team.code),
      Name: 'Renamed',
      WorkdayTemplateCode: 12,
    });
    expect(res.json.Status).toBe('Success');
    expect(team.name).toBe('Renamed');
    const again = await lsq.post<{ Status: string }>(`${TM}/Update`, {
      Code: team.code,
      Description: 'Number code',
    });
    expect(again.json.Status).toBe('Success');
    expect(team.description).toBe('Number code');
    expect((await lsq.post(`${TM}/Update`, { Code: 9999, Name: 'x' })).status).toBe(500);
    expect((await lsq.post(`${TM}/Update`, { Code: 1, ParentCode: team.code })).status).toBe(500);
  });

  it('moves users between teams with Update Users in Bulk, and counts follow', async () => {
    const target = t.teams.teams[3];
    const source = t.teams.teams[4];
    const moved = await lsq.post<{ Message: { AffectedRows: number } }>(
      '/v2/UserManagement.svc/User/Bulk/Update',
      {
        Conditions: [{ Condition: [{ LookupName: 'TeamId', Operator: 'eq', LookupValue: source.id }] }],
        Attribute: 'TeamId',
        Value: target.code,
      },
    );
    expect(moved.json.Message.AffectedRows).toBeGreaterThan(0);
    const list = await lsq.get<Teams>(`${TM}/Retrieve`);
    expect(list.json.Teams.find((x) => x.Code === source.code)!.UserCount).toBe(0);
  });
});
