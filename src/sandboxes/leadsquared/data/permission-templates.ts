/**
 * Permission templates and where they are applied (user, sales-group and role level).
 * A user's effective permissions merge every template that reaches them, most restrictive wins
 * (templates exist to restrict; the vendor does not document the merge rule).
 */
import { invalidInput, mandatoryMissing } from '../http/errors.ts';

export interface Permission {
  Action: string;
  Access: string;
  Properties?: { RestrictedFields?: string[]; Restrictions?: unknown[] };
}

export interface EntityPermission {
  Entity: string;
  Permissions: Permission[];
}

export interface PermissionTemplate {
  id: string;
  name: string;
  description: string;
  entityPermissions: EntityPermission[];
  createdOn: number;
  modifiedOn: number;
  createdBy: number;
  modifiedBy: number;
}

export const ENTITIES = ['Lead', 'Activity'] as const;
/** The docs list "Edit" while their examples send "Update"; both are accepted and stored as Update. */
export const ACTIONS = ['View', 'Create', 'Update', 'Delete', 'Import', 'Export'] as const;
export const ACCESS_LEVELS = ['NoAccess', 'PartialAccess', 'FullAccess'] as const;
export const MAX_TEMPLATES = 50;

function normaliseAction(action: unknown): string | undefined {
  if (action === 'Edit') return 'Update';
  return ACTIONS.find((a) => a === action);
}

/** Validates a request's `EntityPermissions` and returns a normalised copy. */
export function parseEntityPermissions(value: unknown): EntityPermission[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidInput('Invalid Input! Parameter Name: EntityPermissions');
  return value.map((entry) => {
    const e = entry as Record<string, unknown>;
    if (!e || typeof e !== 'object') throw invalidInput('Invalid Input! Parameter Name: EntityPermissions');
    const entity = ENTITIES.find((x) => x === e.Entity);
    if (!entity) throw invalidInput(`Invalid Input! Parameter Name: Entity (${String(e.Entity)})`);
    const permissions = Array.isArray(e.Permissions) ? e.Permissions : [];
    return {
      Entity: entity,
      Permissions: permissions.map((p: Record<string, unknown>) => {
        const action = normaliseAction(p?.Action);
        if (!action) throw invalidInput(`Invalid Input! Parameter Name: Action (${String(p?.Action)})`);
        const access = ACCESS_LEVELS.find((x) => x === p.Access);
        if (!access) throw invalidInput(`Invalid Input! Parameter Name: Access (${String(p?.Access)})`);
        const out: Permission = { Action: action, Access: access };
        if (p.Properties && typeof p.Properties === 'object') out.Properties = structuredClone(p.Properties);
        return out;
      }),
    };
  });
}

export function requireTemplateName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw mandatoryMissing("'Name' is mandatory");
  return value.trim();
}

/** Most restrictive merge of several templates; an action no template mentions stays FullAccess. */
export function mergePermissions(templates: PermissionTemplate[]): EntityPermission[] {
  return ENTITIES.map((entity) => ({
    Entity: entity,
    Permissions: ACTIONS.map((action) => {
      let level = 2;
      const restricted = new Set<string>();
      for (const t of templates) {
        for (const ep of t.entityPermissions) {
          if (ep.Entity !== entity) continue;
          for (const p of ep.Permissions) {
            if (p.Action !== action) continue;
            level = Math.min(level, ACCESS_LEVELS.indexOf(p.Access as (typeof ACCESS_LEVELS)[number]));
            for (const f of p.Properties?.RestrictedFields ?? []) restricted.add(f);
          }
        }
      }
      const permission: Permission = { Action: action, Access: ACCESS_LEVELS[level], Properties: {} };
      if (level === 1) permission.Properties = { RestrictedFields: [...restricted] };
      return permission;
    }),
  }));
}

export class PermissionTemplateStore {
  readonly templates: PermissionTemplate[] = [];
  readonly userLevel = new Map<number, Set<string>>();
  readonly groupLevel = new Map<number, Set<string>>();
  readonly roleLevel = new Map<string, Set<string>>();

  byId(id: unknown): PermissionTemplate | undefined {
    if (typeof id !== 'string') return undefined;
    const lower = id.trim().toLowerCase();
    return this.templates.find((t) => t.id === lower);
  }

  add(template: PermissionTemplate): void {
    this.templates.push(template);
  }

  /** Removes the template from every level; with `keepTemplate` false, deletes it too. */
  removeEverywhere(id: string, keepTemplate: boolean): void {
    for (const level of [this.userLevel, this.groupLevel, this.roleLevel] as Map<unknown, Set<string>>[]) {
      for (const [key, set] of level) {
        set.delete(id);
        if (set.size === 0) level.delete(key);
      }
    }
    if (!keepTemplate) {
      const at = this.templates.findIndex((t) => t.id === id);
      if (at >= 0) this.templates.splice(at, 1);
    }
  }

  assign<K>(level: Map<K, Set<string>>, key: K, id: string): void {
    const set = level.get(key) ?? new Set<string>();
    set.add(id);
    level.set(key, set);
  }

  /** Templates reaching a user, honouring the ApplyOnlyUserSpecificPT user setting. */
  templatesFor(
    user: number,
    role: string,
    groups: number[],
    onlyUserSpecific: boolean,
  ): PermissionTemplate[] {
    const ids = new Set<string>(this.userLevel.get(user) ?? []);
    if (!onlyUserSpecific) {
      for (const id of this.roleLevel.get(role) ?? []) ids.add(id);
      for (const g of groups) for (const id of this.groupLevel.get(g) ?? []) ids.add(id);
    }
    return this.templates.filter((t) => ids.has(t.id));
  }
}
