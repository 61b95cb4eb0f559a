/**
 * Teams: the tree (nested under `ChildTeams` with getHierarchical=true, flat otherwise), create
 * and update. Settings not set on a team are inherited from its parent. `UserCount` is a number
 * here (a string on sales groups) and counts the team's direct members.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { formatLsqDateTime, nowSeconds } from '../data/dates.ts';
import type { InheritedTeamSetting, Team } from '../data/teams.ts';
import type { Tenant } from '../data/tenant.ts';
import { endpoint } from '../http/endpoint.ts';
import { duplicateEntry, invalidInput, mandatoryMissing } from '../http/errors.ts';
import { readInt, requireString } from '../http/parse.ts';
import { accountOf } from '../http/request-context.ts';
import { bodyObject, queryParam, sendValue } from '../http/respond.ts';

const TM = '/v2/TeamManagement.svc';

function teamJson(t: Tenant, index: number, counts: Int32Array, nested: boolean): Record<string, unknown> {
  const team = t.teams.teams[index];
  const parent = team.parent >= 0 ? t.teams.teams[team.parent] : null;
  const { templates, calendars, smartViews } = t.workdays;
  const setting = <T>(key: InheritedTeamSetting, list: readonly T[]) => {
    const k = t.teams.effective(index, key);
    return k === undefined ? null : list[k];
  };
  const wd = setting('workDayTemplate', templates);
  const hc = setting('holidayCalendar', calendars);
  const sv = setting('smartView', smartViews);
  return {
    TeamId: team.id,
    Code: team.code,
    Name: team.name,
    Description: team.description,
    Sequence: team.sequence,
    ParentId: parent?.id ?? null,
    ParentCode: parent?.code ?? 0,
    ParentName: parent?.name ?? null,
    ModifiedBy: t.users.idOf(team.modifiedBy),
    ModifiedByName: t.users.fullNameOf(team.modifiedBy),
    ModifiedOn: formatLsqDateTime(team.modifiedOn),
    WorkDayTemplateId: wd?.id ?? null,
    WorkdayTemplateCode: wd?.code ?? null,
    WorkDayTemplateName: wd?.name ?? null,
    IsWorkDayTemplateOverridden: team.workDayTemplate !== undefined,
    HolidayCalendarId: hc?.id ?? null,
    HolidayCalendarCode: hc?.code ?? null,
    HolidayCalendarName: hc?.name ?? null,
    IsHolidayCalendarOverridden: team.holidayCalendar !== undefined,
    UserCount: counts[index],
    Depth: t.teams.depth(index),
    SmartViewId: sv?.id ?? null,
    SmartViewCode: sv?.code ?? null,
    SmartViewName: sv?.name ?? null,
    IsSmartViewOverridden: team.smartView !== undefined,
    ReplaceUserSmartView: team.replaceUserSmartView,
    IsReplaceUserSmartViewOverridden: team.replaceUserSmartView !== null,
    ChildTeams: nested ? t.teams.children(index).map((c) => teamJson(t, c, counts, true)) : null,
  };
}

function treeOrder(t: Tenant, index: number, out: number[]): number[] {
  out.push(index);
  for (const c of t.teams.children(index)) treeOrder(t, c, out);
  return out;
}

function catalogIndex(list: readonly { code: number }[], value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const code = readInt(value, name, 0);
  const k = list.findIndex((x) => x.code === code);
  if (k < 0) throw invalidInput(`Invalid Input! Parameter Name: ${name}`);
  return k;
}

/** Sequence must be ≥ 0 and ≤ (highest sibling sequence + 1). */
function checkSequence(t: Tenant, parent: number, sequence: number, self: number): void {
  const siblings = t.teams.children(parent).filter((k) => k !== self);
  const max = siblings.reduce((m, k) => Math.max(m, t.teams.teams[k].sequence), -1);
  if (sequence < 0 || sequence > max + 1) throw invalidInput('Invalid Input! Parameter Name: Sequence');
}

function applySettings(t: Tenant, team: Team, body: Record<string, unknown>): void {
  const { templates, calendars, smartViews } = t.workdays;
  if (body.WorkdayTemplateCode !== undefined)
    team.workDayTemplate = catalogIndex(templates, body.WorkdayTemplateCode, 'WorkdayTemplateCode');
  if (body.HolidayCalendarCode !== undefined)
    team.holidayCalendar = catalogIndex(calendars, body.HolidayCalendarCode, 'HolidayCalendarCode');
  if (body.SmartViewCode !== undefined)
    team.smartView = catalogIndex(smartViews, body.SmartViewCode, 'SmartViewCode');
  if (body.DashboardCodes !== undefined) {
    if (!Array.isArray(body.DashboardCodes))
      throw invalidInput('Invalid Input! Parameter Name: DashboardCodes');
    team.dashboardCodes = body.DashboardCodes.map((c) => readInt(c, 'DashboardCodes', 0));
  }
  if (body.DefaultDashboardCode !== undefined) {
    team.defaultDashboardCode =
      body.DefaultDashboardCode === null
        ? null
        : readInt(body.DefaultDashboardCode, 'DefaultDashboardCode', 0);
  }
  if (typeof body.Description === 'string') team.description = body.Description;
}

export function registerTeamRoutes(app: FastifyInstance): void {
  endpoint(app, ['GET'], `${TM}/Retrieve`, (request, reply) => {
    const t = accountOf(request).tenant;
    const hierarchical = String(queryParam(request, 'getHierarchical') ?? 'false').toLowerCase() === 'true';
    const counts = t.teamMemberCounts();
    const teams = hierarchical
      ? [teamJson(t, 0, counts, true)]
      : treeOrder(t, 0, []).map((k) => teamJson(t, k, counts, false));
    return sendValue(request, reply, {
      FetchedOn: formatLsqDateTime(nowSeconds()),
      RecordCount: t.teams.teams.length,
      Teams: teams,
    });
  });

  endpoint(app, ['POST'], `${TM}/Create`, (request, reply) => {
    const account = accountOf(request);
    const t = account.tenant;
    const body = bodyObject(request);
    const name = requireString(body.Name, 'Name', 'creating a team');
    const parent =
      body.ParentCode === undefined || body.ParentCode === null ? 0 : t.teams.indexOfCode(body.ParentCode);
    if (parent < 0) throw invalidInput('Invalid Input! Parameter Name: ParentCode');
    if (t.teams.children(parent).some((k) => t.teams.teams[k].name.toLowerCase() === name.toLowerCase())) {
      throw duplicateEntry('A Team with the same name already exists under this parent.');
    }
    const siblings = t.teams.children(parent);
    const sequence = readInt(
      body.Sequence,
      'Sequence',
      siblings.reduce((m, k) => Math.max(m, t.teams.teams[k].sequence), -1) + 1,
    );
    checkSequence(t, parent, sequence, -1);
    const team: Team = {
      id: randomUUID(),
      code: t.teams.nextCode(),
      name,
      description: '',
      sequence,
      parent,
      workDayTemplate: undefined,
      holidayCalendar: undefined,
      smartView: undefined,
      replaceUserSmartView: null,
      dashboardCodes: [],
      defaultDashboardCode: null,
      modifiedBy: account.owner,
      modifiedOn: nowSeconds(),
    };
    applySettings(t, team, body);
    t.teams.add(team);
    t.touch();
    return sendValue(request, reply, { Status: 'Success', Message: { Id: team.id, Code: team.code } });
  });

  // `Code` arrives as a number or a numeric string in the vendor's examples.
  endpoint(app, ['POST'], `${TM}/Update`, (request, reply) => {
    const account = accountOf(request);
    const t = account.tenant;
    const body = bodyObject(request);
    if (body.Code === undefined || body.Code === null || body.Code === '')
      throw mandatoryMissing("'Code' is mandatory");
    const index = t.teams.indexOfCode(body.Code);
    if (index < 0) throw invalidInput('Invalid Input! Parameter Name: Code');
    const team = t.teams.teams[index];
    let parent = team.parent;
    if (body.ParentCode !== undefined && body.ParentCode !== null) {
      parent = t.teams.indexOfCode(body.ParentCode);
      if (parent < 0 || index === 0 || t.teams.isDescendant(parent, index)) {
        throw invalidInput('Invalid Input! Parameter Name: ParentCode');
      }
    }
    if (body.Name !== undefined) requireString(body.Name, 'Name', 'updating a team');
    const sequence =
      body.Sequence === undefined ? team.sequence : readInt(body.Sequence, 'Sequence', team.sequence);
    if (parent >= 0 && (body.Sequence !== undefined || parent !== team.parent))
      checkSequence(t, parent, sequence, index);
    // Validate every setting on a copy first, so a bad one leaves the team untouched.
    const draft = { ...team };
    applySettings(t, draft, body);
    Object.assign(team, draft);
    if (typeof body.Name === 'string') team.name = body.Name.trim();
    team.parent = parent;
    team.sequence = sequence;
    team.modifiedBy = account.owner;
    team.modifiedOn = nowSeconds();
    t.touch();
    return sendValue(request, reply, { Status: 'Success', Message: { IsSuccessful: true } });
  });
}
