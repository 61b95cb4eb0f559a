/**
 * What changed, as events: pure functions from a record's previous and current snapshot to the
 * `record:*` events and, for users, the semantic ones (`user:*`, `group:member_*`). Every event id is
 * derived from (run, resource, record, event[, group]) so a resumed run publishes the same ids again.
 */
import type { EventType } from '../events/catalogue.ts';
import { changedFields, derivedId, type SnapshotRecord } from './canonical.ts';

/** Fields every sync event payload starts with. */
export interface EventMeta {
  integrated_account_id: string;
  integration: string;
  tenant_id: string;
  sync_job_run_id: string;
}

export interface PlannedEvent {
  id: string;
  event: EventType;
  payload: Record<string, unknown>;
}

export interface ResourceContext {
  runId: string;
  /** `model/resource`, e.g. `user-directory/users`. */
  resource: string;
  meta: EventMeta;
  /** This resource's records are people: derive `user:*` and `group:member_*` events. */
  semanticUsers: boolean;
}

interface Membership {
  id: string;
  name: string | null;
  type: string | null;
}

function split(resource: string): { unified_model: string; resource: string } {
  const slash = resource.indexOf('/');
  return { unified_model: resource.slice(0, slash), resource: resource.slice(slash + 1) };
}

function planned(
  ctx: ResourceContext,
  recordId: string,
  event: EventType,
  payload: Record<string, unknown>,
  discriminator = '',
): PlannedEvent {
  return {
    id: derivedId(ctx.runId, ctx.resource, recordId, event, discriminator),
    event,
    payload: { ...ctx.meta, ...payload },
  };
}

/** A user's status as `active` / `inactive` (unified users carry `status`; CRM users `is_active`). */
export function statusOf(user: SnapshotRecord): string | null {
  if (typeof user['status'] === 'string') return user['status'];
  if (typeof user['is_active'] === 'boolean') return user['is_active'] ? 'active' : 'inactive';
  return null;
}

function rolesOf(user: SnapshotRecord): Array<Record<string, unknown>> | null {
  return Array.isArray(user['roles']) ? (user['roles'] as Array<Record<string, unknown>>) : null;
}

function membershipsOf(user: SnapshotRecord): Membership[] {
  if (!Array.isArray(user['groups'])) return [];
  return (user['groups'] as Array<Record<string, unknown>>)
    .filter((g) => g && g['id'] !== undefined && g['id'] !== null)
    .map((g) => ({
      id: String(g['id']),
      name: typeof g['name'] === 'string' ? g['name'] : null,
      type: typeof g['type'] === 'string' ? g['type'] : null,
    }));
}

const membershipKey = (m: Membership) => `${m.type ?? ''}:${m.id}`;

function emailOf(user: SnapshotRecord): string | null {
  if (typeof user['email'] === 'string') return user['email'];
  const emails = user['emails'];
  if (Array.isArray(emails) && emails.length > 0) {
    const primary = emails.find((e) => e?.is_primary) ?? emails[0];
    return typeof primary?.email === 'string' ? primary.email : null;
  }
  return null;
}

/** The user as group events show them. */
function userSummary(user: SnapshotRecord): Record<string, unknown> {
  return {
    id: user.id,
    name: typeof user['name'] === 'string' ? user['name'] : null,
    email: emailOf(user),
    status: statusOf(user),
  };
}

function memberEvents(
  ctx: ResourceContext,
  user: SnapshotRecord,
  groups: Membership[],
  event: 'group:member_added' | 'group:member_removed',
): PlannedEvent[] {
  return groups.map((group) =>
    planned(ctx, user.id, event, { group, user: userSummary(user) }, membershipKey(group)),
  );
}

/** Events for a record seen for the first time. */
export function createdEvents(ctx: ResourceContext, record: SnapshotRecord): PlannedEvent[] {
  const events = [
    planned(ctx, record.id, 'record:created', { ...split(ctx.resource), record_id: record.id, record }),
  ];
  if (ctx.semanticUsers) {
    events.push(planned(ctx, record.id, 'user:created', { user: record }));
    events.push(...memberEvents(ctx, record, membershipsOf(record), 'group:member_added'));
  }
  return events;
}

/** Events for a record whose content hash changed. */
export function updatedEvents(
  ctx: ResourceContext,
  before: SnapshotRecord,
  after: SnapshotRecord,
): PlannedEvent[] {
  const changed = changedFields(before, after);
  if (changed.length === 0) return [];
  const previous = Object.fromEntries(changed.map((field) => [field, before[field] ?? null]));
  const events = [
    planned(ctx, after.id, 'record:updated', {
      ...split(ctx.resource),
      record_id: after.id,
      record: after,
      changed_fields: changed,
      previous,
    }),
  ];
  if (!ctx.semanticUsers) return events;

  const wasStatus = statusOf(before);
  const status = statusOf(after);
  if (wasStatus !== status) {
    if (wasStatus === 'active' && status !== 'active') {
      events.push(planned(ctx, after.id, 'user:deactivated', { user: after, previous_status: wasStatus }));
    } else if (status === 'active' && wasStatus !== null) {
      events.push(planned(ctx, after.id, 'user:reactivated', { user: after, previous_status: wasStatus }));
    }
  }

  const wasRoles = rolesOf(before);
  const roles = rolesOf(after);
  if (wasRoles !== null || roles !== null) {
    const ids = (list: Array<Record<string, unknown>> | null) =>
      new Set((list ?? []).map((r) => String(r['id'])));
    const was = ids(wasRoles);
    const now = ids(roles);
    const added = (roles ?? []).filter((r) => !was.has(String(r['id'])));
    const removed = (wasRoles ?? []).filter((r) => !now.has(String(r['id'])));
    if (added.length > 0 || removed.length > 0) {
      events.push(
        planned(ctx, after.id, 'user:role_changed', {
          user: after,
          roles: roles ?? [],
          previous_roles: wasRoles ?? [],
          roles_added: added,
          roles_removed: removed,
        }),
      );
    }
  }

  if ((before['manager_id'] ?? null) !== (after['manager_id'] ?? null)) {
    events.push(
      planned(ctx, after.id, 'user:manager_changed', {
        user: after,
        manager_id: after['manager_id'] ?? null,
        previous_manager_id: before['manager_id'] ?? null,
      }),
    );
  }

  const wasGroups = membershipsOf(before);
  const groups = membershipsOf(after);
  const wasKeys = new Set(wasGroups.map(membershipKey));
  const keys = new Set(groups.map(membershipKey));
  events.push(
    ...memberEvents(
      ctx,
      after,
      groups.filter((g) => !wasKeys.has(membershipKey(g))),
      'group:member_added',
    ),
    ...memberEvents(
      ctx,
      after,
      wasGroups.filter((g) => !keys.has(membershipKey(g))),
      'group:member_removed',
    ),
  );
  return events;
}

/** Events for a record a complete pass no longer found: its last known version. */
export function deletedEvents(ctx: ResourceContext, last: SnapshotRecord): PlannedEvent[] {
  const events = [
    planned(ctx, last.id, 'record:deleted', { ...split(ctx.resource), record_id: last.id, record: last }),
  ];
  if (ctx.semanticUsers) events.push(...memberEvents(ctx, last, membershipsOf(last), 'group:member_removed'));
  return events;
}
