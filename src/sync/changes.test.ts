import { describe, expect, it } from 'vitest';
import { canonicalJson, changedFields, contentHash, derivedId, snapshotOf } from './canonical.ts';
import { createdEvents, deletedEvents, type ResourceContext, updatedEvents } from './changes.ts';

const ctx: ResourceContext = {
  runId: 'run-1',
  resource: 'user-directory/users',
  semanticUsers: true,
  meta: {
    integrated_account_id: 'acc',
    integration: 'leadsquared',
    tenant_id: 't',
    sync_job_run_id: 'run-1',
  },
};

const user = {
  id: 'u1',
  name: 'Asha Rao',
  emails: [{ email: 'asha@example.com', is_primary: true }],
  status: 'active',
  roles: [{ id: 'Sales_User', name: 'Sales User' }],
  groups: [
    { id: 'g1', name: 'Delhi', type: 'group' },
    { id: 't1', name: 'North', type: 'team' },
  ],
  manager_id: 'm1',
};

describe('canonical hashing', () => {
  it('ignores key order and remote_data, and sees any other change', () => {
    const a = snapshotOf({ id: 'x', b: 1, a: { d: [1, { f: 2, e: 3 }], c: null }, remote_data: { raw: 1 } });
    const b = snapshotOf({ a: { c: null, d: [1, { e: 3, f: 2 }] }, id: 'x', b: 1, remote_data: { raw: 2 } });
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(contentHash(canonicalJson(a))).toBe(contentHash(canonicalJson(b)));
    expect(canonicalJson(a)).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1,"id":"x"}');
    expect(changedFields(a, { ...a, b: 2, z: 'new' })).toEqual(['b', 'z']);
  });

  it('derives stable UUID-shaped ids', () => {
    const id = derivedId('run', 'users', 'u1', 'record:updated');
    expect(id).toBe(derivedId('run', 'users', 'u1', 'record:updated'));
    expect(id).not.toBe(derivedId('run2', 'users', 'u1', 'record:updated'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('change events', () => {
  const kinds = (events: Array<{ event: string }>) => events.map((e) => e.event).sort();

  it('a new user: record, user and one membership event per group or team', () => {
    expect(kinds(createdEvents(ctx, user))).toEqual([
      'group:member_added',
      'group:member_added',
      'record:created',
      'user:created',
    ]);
  });

  it('an unchanged user: nothing', () => {
    expect(updatedEvents(ctx, user, structuredClone(user))).toEqual([]);
  });

  it('each kind of change gives its semantic event', () => {
    const after = {
      ...user,
      status: 'inactive',
      roles: [{ id: 'Sales_Manager', name: 'Sales Manager' }],
      manager_id: null,
      groups: [
        { id: 'g2', name: 'Pune', type: 'group' },
        { id: 't1', name: 'North (renamed)', type: 'team' },
      ],
    };
    const events = updatedEvents(ctx, user, after);
    expect(kinds(events)).toEqual([
      'group:member_added',
      'group:member_removed',
      'record:updated',
      'user:deactivated',
      'user:manager_changed',
      'user:role_changed',
    ]);
    const record = events.find((e) => e.event === 'record:updated')!.payload;
    expect(record['changed_fields']).toEqual(['groups', 'manager_id', 'roles', 'status']);
    expect(events.find((e) => e.event === 'user:manager_changed')!.payload).toMatchObject({
      manager_id: null,
      previous_manager_id: 'm1',
    });
    expect(kinds(updatedEvents(ctx, after, { ...after, status: 'active' }))).toEqual([
      'record:updated',
      'user:reactivated',
    ]);
  });

  it('non-user resources get record events only; deletions remove memberships', () => {
    const groups = { ...ctx, resource: 'user-directory/groups', semanticUsers: false };
    expect(
      kinds(updatedEvents(groups, { id: 'g1', member_count: 2 }, { id: 'g1', member_count: 3 })),
    ).toEqual(['record:updated']);
    expect(kinds(deletedEvents(ctx, user))).toEqual([
      'group:member_removed',
      'group:member_removed',
      'record:deleted',
    ]);
  });
});
