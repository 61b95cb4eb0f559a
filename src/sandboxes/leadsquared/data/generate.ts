/**
 * Deterministic tenant data from a seed: a team tree, sales groups with managers, users with a
 * reporting hierarchy, roles, check-in state, some deactivated users, and permission templates.
 * Users are written straight into typed arrays, so 100,000 users take well under a second and
 * a million a few seconds.
 */

import { FIRST_NAMES, LAST_NAMES } from '../../kit/names.ts';
import { createRng, hash32, randomHex, seededGuid } from '../../kit/random.ts';
import { CheckinLog } from './checkins.ts';
import { customFieldDefs } from './custom-fields.ts';
import { DATA_ANCHOR } from './dates.ts';
import { PermissionTemplateStore } from './permission-templates.ts';
import { COMPANY_NAMES, GROUP_CITIES, TEAM_FUNCTIONS, TEAM_REGIONS } from './pools.ts';
import type { SalesGroup } from './sales-groups.ts';
import { TeamStore } from './teams.ts';
import { Tenant } from './tenant.ts';
import {
  ROLE_ADMINISTRATOR,
  ROLE_MARKETING_USER,
  ROLE_SALES_MANAGER,
  ROLE_SALES_USER,
  UserStore,
} from './user-store.ts';
import { createWorkdayCatalog } from './workdays.ts';

export interface GenerateOptions {
  /** At least 1: user 0 is the account's Administrator, key owner and billing user. */
  users: number;
  seed: number;
  /** How many `mx_Custom_N` fields users have (default 15). */
  customFields?: number;
}

export const MAX_USERS = 2_000_000;

const DAY = 86400;
const YEAR = 365 * DAY;

// Salts for the per-user hashes used below (user-fields.ts uses others).
const S_FIRST = 201;
const S_LAST = 202;
const S_ROLE = 203;
const S_STATUS = 204;
const S_MODIFIED = 205;
const S_MANAGER = 206;
const S_TEAM = 207;
const S_GROUP = 208;
const S_CHECKIN = 209;

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

function buildTeams(
  store: TeamStore,
  orgName: string,
  users: number,
  rng: () => number,
  createdAt: number,
): void {
  store.add({
    id: seededGuid(rng),
    code: 1,
    name: orgName,
    description: 'Default Team for all users',
    sequence: 0,
    parent: -1,
    workDayTemplate: undefined,
    holidayCalendar: 0,
    smartView: 0,
    replaceUserSmartView: null,
    dashboardCodes: [],
    defaultDashboardCode: null,
    modifiedBy: 0,
    modifiedOn: createdAt,
  });
  const total = clamp(Math.round(users / 400), 3, 60);
  const regions = Math.min(TEAM_REGIONS.length, Math.max(2, Math.round(total / 5)));
  for (let r = 0; r < regions && store.teams.length < total; r++) {
    store.add({
      id: seededGuid(rng),
      code: store.teams.length + 1,
      name: `${TEAM_REGIONS[r]} Region`,
      description: `${TEAM_REGIONS[r]} region sales`,
      sequence: r,
      parent: 0,
      workDayTemplate: r % 3,
      holidayCalendar: r % 4 === 3 ? 1 : undefined,
      smartView: undefined,
      replaceUserSmartView: null,
      dashboardCodes: [],
      defaultDashboardCode: null,
      modifiedBy: 0,
      modifiedOn: createdAt + r * DAY,
    });
  }
  for (let k = 0; store.teams.length < total; k++) {
    const parent = 1 + (k % regions);
    const fn = TEAM_FUNCTIONS[Math.floor(k / regions) % TEAM_FUNCTIONS.length];
    const round = Math.floor(k / (regions * TEAM_FUNCTIONS.length));
    store.add({
      id: seededGuid(rng),
      code: store.teams.length + 1,
      name: `${TEAM_REGIONS[parent - 1]} ${fn}${round > 0 ? ` ${round + 1}` : ''}`,
      description: `${fn} team`,
      sequence: Math.floor(k / regions),
      parent,
      workDayTemplate: k % 4 === 0 ? 1 : undefined,
      holidayCalendar: undefined,
      smartView: k % 5 === 0 ? 2 : undefined,
      replaceUserSmartView: null,
      dashboardCodes: [],
      defaultDashboardCode: null,
      modifiedBy: 0,
      modifiedOn: createdAt + (k + 10) * DAY,
    });
  }
}

function buildGroups(users: number, rng: () => number, createdAt: number): SalesGroup[] {
  const count = clamp(Math.round(users / 250), 2, 100);
  const groups: SalesGroup[] = [];
  for (let g = 0; g < count; g++) {
    const city = GROUP_CITIES[g % GROUP_CITIES.length];
    const round = Math.floor(g / GROUP_CITIES.length);
    groups.push({
      id: seededGuid(rng),
      name: round > 0 ? `${city} ${round + 1}` : city,
      description: `Sales Group for ${city}`,
      createdOn: createdAt + g * 3 * DAY,
      deleted: false,
      managerFlags: new Map(),
    });
  }
  return groups;
}

function buildTemplates(
  store: PermissionTemplateStore,
  rng: () => number,
  at: number,
  groupCount: number,
): void {
  const restrictExport = {
    id: seededGuid(rng),
    name: 'Restrict Export',
    description: 'No lead or activity export',
    entityPermissions: [
      { Entity: 'Lead', Permissions: [{ Action: 'Export', Access: 'NoAccess' }] },
      { Entity: 'Activity', Permissions: [{ Action: 'Export', Access: 'NoAccess' }] },
    ],
    createdOn: at,
    modifiedOn: at + 10 * DAY,
    createdBy: 0,
    modifiedBy: 0,
  };
  const salesDefault = {
    id: seededGuid(rng),
    name: 'Sales Default',
    description: 'Sales users cannot delete or import leads',
    entityPermissions: [
      {
        Entity: 'Lead',
        Permissions: [
          { Action: 'Create', Access: 'FullAccess' },
          {
            Action: 'Update',
            Access: 'PartialAccess',
            Properties: { RestrictedFields: ['EmailAddress', 'OwnerId'], Restrictions: [] },
          },
          { Action: 'Delete', Access: 'NoAccess' },
          { Action: 'Import', Access: 'NoAccess' },
        ],
      },
    ],
    createdOn: at + DAY,
    modifiedOn: at + 20 * DAY,
    createdBy: 0,
    modifiedBy: 0,
  };
  const marketing = {
    id: seededGuid(rng),
    name: 'Marketing Full',
    description: 'Full lead access for marketing',
    entityPermissions: [
      {
        Entity: 'Lead',
        Permissions: ['View', 'Create', 'Update', 'Delete', 'Import', 'Export'].map((Action) => ({
          Action,
          Access: 'FullAccess',
        })),
      },
    ],
    createdOn: at + 2 * DAY,
    modifiedOn: at + 2 * DAY,
    createdBy: 0,
    modifiedBy: 0,
  };
  store.add(restrictExport);
  store.add(salesDefault);
  store.add(marketing);
  store.assign(store.roleLevel, 'Sales_User', salesDefault.id);
  store.assign(store.roleLevel, 'Marketing_User', marketing.id);
  if (groupCount > 0) store.assign(store.groupLevel, 0, restrictExport.id);
}

function generatedInactive(seed: number, i: number): boolean {
  return i > 0 && hash32(seed, i, S_STATUS) % 100 < 7;
}

/** The seeded check-in state of generated user `i` (null: never checked in). Also the first entry of their check-in history. */
export function generatedCheckin(seed: number, i: number): { at: number; checkedIn: boolean } | null {
  const hc = hash32(seed, i, S_CHECKIN);
  if (generatedInactive(seed, i) || hc % 100 >= 85) return null;
  return { at: DATA_ANCHOR - (hc % (30 * DAY)), checkedIn: (hc >>> 8) % 100 < 40 };
}

export function generateTenant(options: GenerateOptions): Tenant {
  const n = Math.floor(options.users);
  if (!(n >= 1 && n <= MAX_USERS)) throw new Error(`users must be between 1 and ${MAX_USERS}`);
  const seed = options.seed >>> 0;
  const rng = createRng(seed);

  const orgName = COMPANY_NAMES[seed % COMPANY_NAMES.length];
  const orgId = 10000 + (hash32(seed, 0, 1) % 90000);
  const orgGuid = seededGuid(rng);
  const idTail = `11e7-${'89ab'[Math.floor(rng() * 4)]}${randomHex(rng, 3)}-${randomHex(rng, 12)}`;
  const emailDomain = `${orgName.split(' ')[0].toLowerCase()}.example.com`;
  const start = DATA_ANCHOR - 7 * YEAR;
  const span = 7 * YEAR - 30 * DAY;

  const workdays = createWorkdayCatalog(rng);
  const teams = new TeamStore();
  buildTeams(teams, orgName, n, rng, start);
  const groups = buildGroups(n, rng, start + 30 * DAY);
  const users = new UserStore({ seed, idTail, emailDomain }, n + 1024);

  const admins: number[] = [];
  const salesManagers: number[] = [];
  const firstMembers: number[][] = groups.map(() => []);
  const teamCount = teams.teams.length;

  for (let i = 0; i < n; i++) {
    users.append();
    users.firstName[i] = hash32(seed, i, S_FIRST) % FIRST_NAMES.length;
    users.lastName[i] = hash32(seed, i, S_LAST) % LAST_NAMES.length;

    const r = hash32(seed, i, S_ROLE) % 100;
    const role =
      i === 0
        ? ROLE_ADMINISTRATOR
        : r < 2
          ? ROLE_ADMINISTRATOR
          : r < 10
            ? ROLE_MARKETING_USER
            : r < 22
              ? ROLE_SALES_MANAGER
              : ROLE_SALES_USER;
    users.role[i] = role;
    users.status[i] = generatedInactive(seed, i) ? 1 : 0;

    const created = start + Math.floor((i * span) / n);
    users.createdOn[i] = created;
    users.modifiedOn[i] = created + (hash32(seed, i, S_MODIFIED) % (DATA_ANCHOR - created + 1));

    // Managers always come earlier in index order, so the Reports-To graph is a tree.
    const hm = hash32(seed, i, S_MANAGER);
    if (i > 0 && hm % 100 >= 3) {
      if (role === ROLE_SALES_USER && salesManagers.length > 0)
        users.manager[i] = salesManagers[hm % salesManagers.length];
      else if (role === ROLE_SALES_MANAGER && salesManagers.length > 0 && hm % 3 !== 0)
        users.manager[i] = salesManagers[hm % salesManagers.length];
      else users.manager[i] = admins.length > 0 ? admins[hm % admins.length] : 0;
    }
    if (role === ROLE_ADMINISTRATOR) admins.push(i);
    if (role === ROLE_SALES_MANAGER) salesManagers.push(i);

    const ht = hash32(seed, i, S_TEAM);
    users.team[i] = role === ROLE_ADMINISTRATOR || ht % 100 < 5 ? 0 : 1 + (ht % (teamCount - 1));

    if (role === ROLE_SALES_USER) {
      const hg = hash32(seed, i, S_GROUP);
      const pct = hg % 100;
      if (pct < 95) {
        const g1 = (hg >>> 8) % groups.length;
        users.group1[i] = g1;
        if (firstMembers[g1].length < 3 && users.status[i] === 0) firstMembers[g1].push(i);
        if (pct < 10 && groups.length > 1)
          users.group2[i] = (g1 + 1 + ((hg >>> 16) % (groups.length - 1))) % groups.length;
      }
    }

    const checkin = generatedCheckin(seed, i);
    if (checkin) {
      users.lastCheckedOn[i] = checkin.at;
      if (checkin.checkedIn) {
        users.checkedIn[i] = 1;
        users.availability[i] = (hash32(seed, i, S_CHECKIN) >>> 16) % 5 === 0 ? 2 : 1;
      }
    }
  }

  firstMembers.forEach((members, g) => {
    members.forEach((user, k) => {
      // The first member manages everything; the others may only view the group's leads.
      groups[g].managerFlags.set(user, k === 0 ? 0b100111 : 0b000001);
    });
  });

  const templates = new PermissionTemplateStore();
  buildTemplates(templates, rng, start + 60 * DAY, groups.length);
  for (let k = 0; k < Math.min(3, firstMembers.length); k++) {
    const user = firstMembers[k][0];
    if (user !== undefined) templates.assign(templates.userLevel, user, templates.templates[0].id);
  }

  return new Tenant({
    seed,
    orgId,
    orgGuid,
    orgName,
    users,
    teams,
    groups,
    templates,
    workdays,
    checkins: new CheckinLog(),
    customFields: customFieldDefs(options.customFields ?? 15),
  });
}

/** An access key in the observed format: `u$r` and 32 hex digits; the secret key is 40 hex digits. */
export function generateKeys(rng: () => number): { accessKey: string; secretKey: string } {
  return { accessKey: `u$r${randomHex(rng, 32)}`, secretKey: randomHex(rng, 40) };
}

export function keysForSeed(seed: number): { accessKey: string; secretKey: string } {
  return generateKeys(createRng(hash32(seed, 0, 999)));
}
