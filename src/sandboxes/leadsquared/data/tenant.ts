/**
 * One LeadSquared account's data: users, teams, sales groups, permission templates, work-day
 * catalogs and check-ins, plus the derived caches that keep reads fast. Every write calls
 * `touch()`, which invalidates those caches (and the AdvancedSearch result cache).
 */
import { SearchCache } from '../search/search-cache.ts';
import type { CheckinLog } from './checkins.ts';
import type { CustomFieldDef } from './custom-fields.ts';
import type { PermissionTemplateStore } from './permission-templates.ts';
import type { SalesGroup } from './sales-groups.ts';
import type { TeamStore } from './teams.ts';
import { buildUserFields, type UserField } from './user-fields.ts';
import type { UserStore } from './user-store.ts';
import type { WorkdayCatalog } from './workdays.ts';

export interface NotificationRecord {
  at: number;
  from: string;
  subject: string;
  contentHtml: string;
  recipients: string[];
}

export interface TenantParts {
  seed: number;
  orgId: number;
  orgGuid: string;
  orgName: string;
  users: UserStore;
  teams: TeamStore;
  groups: SalesGroup[];
  templates: PermissionTemplateStore;
  workdays: WorkdayCatalog;
  checkins: CheckinLog;
  customFields: CustomFieldDef[];
}

export class Tenant {
  readonly seed: number;
  /** Integer org id (user-detail endpoints); Authenticate shows `orgGuid` and this as OrgShortCode. */
  readonly orgId: number;
  readonly orgGuid: string;
  readonly orgName: string;
  readonly users: UserStore;
  readonly teams: TeamStore;
  readonly groups: SalesGroup[];
  readonly templates: PermissionTemplateStore;
  readonly workdays: WorkdayCatalog;
  readonly checkins: CheckinLog;
  readonly customFields: CustomFieldDef[];
  readonly fields: UserField[];
  private readonly fieldsByName = new Map<string, UserField>();
  readonly notifications: NotificationRecord[] = [];
  /** Update User's `userSettings` flags (0/1), by user index. */
  readonly userSettings = new Map<number, Record<string, number>>();
  /** The billing user cannot be deactivated; the super administrator may restrict other admins. */
  billingUser = 0;
  readonly superAdmins = new Set<number>([0]);
  /** Account setting that decides what Get User Hierarchy Information returns (reference §2.10). */
  hierarchyEnabled = true;
  /** Bumped by every write; caches compare against it. */
  version = 0;
  readonly search = new SearchCache();

  private groupCountCache: { version: number; counts: Int32Array } | undefined;
  private teamCountCache: { version: number; counts: Int32Array } | undefined;
  private childrenCache: { version: number; start: Int32Array; list: Int32Array } | undefined;

  constructor(parts: TenantParts) {
    this.seed = parts.seed;
    this.orgId = parts.orgId;
    this.orgGuid = parts.orgGuid;
    this.orgName = parts.orgName;
    this.users = parts.users;
    this.teams = parts.teams;
    this.groups = parts.groups;
    this.templates = parts.templates;
    this.workdays = parts.workdays;
    this.checkins = parts.checkins;
    this.customFields = parts.customFields;
    this.fields = buildUserFields(parts.customFields);
    for (const f of this.fields) this.fieldsByName.set(f.name.toLowerCase(), f);
  }

  touch(): void {
    this.version++;
  }

  /** Attribute by schema name, case-insensitively (the vendor's own example writes `UserID`). */
  field(name: unknown): UserField | undefined {
    return typeof name === 'string' ? this.fieldsByName.get(name.trim().toLowerCase()) : undefined;
  }

  /** Known and not obsolete: what every endpoint can see. */
  isListed(i: number): boolean {
    return i >= 0 && i < this.users.count && this.users.obsolete[i] === 0;
  }

  isActive(i: number): boolean {
    return this.isListed(i) && this.users.status[i] === 0;
  }

  groupIndexById(id: unknown): number {
    if (typeof id !== 'string') return -1;
    const lower = id.trim().toLowerCase();
    return this.groups.findIndex((g) => !g.deleted && g.id === lower);
  }

  /** Members of each group among listed users, counted in one pass and cached until the next write. */
  groupMemberCounts(): Int32Array {
    if (this.groupCountCache?.version === this.version) return this.groupCountCache.counts;
    const counts = new Int32Array(this.groups.length);
    const u = this.users;
    for (let i = 0; i < u.count; i++) {
      if (u.group1[i] < 0 || u.obsolete[i]) continue;
      for (const g of u.groupsOf(i)) counts[g]++;
    }
    this.groupCountCache = { version: this.version, counts };
    return counts;
  }

  groupMembers(group: number): number[] {
    const out: number[] = [];
    const u = this.users;
    for (let i = 0; i < u.count; i++) {
      if (u.group1[i] >= 0 && !u.obsolete[i] && u.isInGroup(i, group)) out.push(i);
    }
    return out;
  }

  teamMemberCounts(): Int32Array {
    if (this.teamCountCache?.version === this.version) return this.teamCountCache.counts;
    const counts = new Int32Array(this.teams.teams.length);
    const u = this.users;
    for (let i = 0; i < u.count; i++) if (!u.obsolete[i]) counts[u.team[i]]++;
    this.teamCountCache = { version: this.version, counts };
    return counts;
  }

  /** Everyone below `manager` in the Reports-To tree (the whole subtree, breadth first). */
  reportsOf(manager: number): number[] {
    const { start, list } = this.children();
    const out: number[] = [];
    const queue = [manager];
    const seen = new Set<number>(queue);
    for (let q = 0; q < queue.length; q++) {
      const m = queue[q];
      for (let k = start[m]; k < start[m + 1]; k++) {
        const child = list[k];
        if (this.users.obsolete[child] || seen.has(child)) continue;
        seen.add(child);
        out.push(child);
        queue.push(child);
      }
    }
    return out;
  }

  /** Direct reports of every user as a compressed adjacency list, rebuilt after writes. */
  private children(): { start: Int32Array; list: Int32Array } {
    if (this.childrenCache?.version === this.version) return this.childrenCache;
    const u = this.users;
    const start = new Int32Array(u.count + 1);
    for (let i = 0; i < u.count; i++) if (u.manager[i] >= 0) start[u.manager[i] + 1]++;
    for (let i = 0; i < u.count; i++) start[i + 1] += start[i];
    const fill = start.slice(0, u.count);
    const list = new Int32Array(start[u.count]);
    for (let i = 0; i < u.count; i++) if (u.manager[i] >= 0) list[fill[u.manager[i]]++] = i;
    this.childrenCache = { version: this.version, start, list };
    return this.childrenCache;
  }
}
