import { describe, expect, it } from 'vitest';
import { formatLsqDateTime, formatUnpaddedHourDateTime, parseLsqDateTime } from './dates.ts';
import { generateTenant } from './generate.ts';
import { ROLES } from './user-store.ts';

describe('generated data', () => {
  const t = generateTenant({ users: 5000, seed: 7 });
  const u = t.users;

  it('is deterministic for a seed', () => {
    const again = generateTenant({ users: 5000, seed: 7 });
    for (const i of [0, 1, 2500, 4999]) {
      expect(again.users.idOf(i)).toBe(u.idOf(i));
      expect(again.users.emailOf(i)).toBe(u.emailOf(i));
      expect(again.field('mx_Custom_3')?.get(again, i)).toBe(t.field('mx_Custom_3')?.get(t, i));
    }
    expect(generateTenant({ users: 10, seed: 8 }).users.idOf(0)).not.toBe(u.idOf(0));
  });

  it('uses lowercase GUIDs whose text sorts like the index, and finds users by id and email', () => {
    let previous = '';
    for (let i = 0; i < u.count; i++) {
      const id = u.idOf(i);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(id > previous).toBe(true);
      previous = id;
    }
    for (const i of [0, 17, 4321]) {
      expect(u.indexOfId(u.idOf(i))).toBe(i);
      expect(u.indexOfId(u.idOf(i).toUpperCase())).toBe(i);
      expect(u.indexOfEmail(u.emailOf(i).toUpperCase())).toBe(i);
    }
    expect(u.indexOfId('00000000-0000-0000-0000-000000000000')).toBe(-1);
    expect(u.indexOfEmail('nobody@example.com')).toBe(-1);
  });

  it('has every role, some deactivated users, and an Administrator as user 0', () => {
    expect(ROLES[u.role[0]]).toBe('Administrator');
    expect(u.status[0]).toBe(0);
    const roles = new Set<number>();
    let inactive = 0;
    for (let i = 0; i < u.count; i++) {
      roles.add(u.role[i]);
      inactive += u.status[i];
    }
    expect(roles.size).toBe(4);
    expect(inactive / u.count).toBeGreaterThan(0.03);
    expect(inactive / u.count).toBeLessThan(0.12);
  });

  it('builds a reporting hierarchy without cycles', () => {
    let withManager = 0;
    for (let i = 1; i < u.count; i++) {
      if (u.manager[i] >= 0) {
        withManager++;
        expect(u.manager[i]).toBeLessThan(i);
      }
    }
    expect(withManager / u.count).toBeGreaterThan(0.9);
    expect(t.reportsOf(0).length).toBeGreaterThan(u.count / 2);
  });

  it('builds a team tree with a root and sales groups with managers', () => {
    expect(t.teams.teams[0].parent).toBe(-1);
    expect(t.teams.teams.length).toBeGreaterThanOrEqual(3);
    for (const team of t.teams.teams.slice(1)) expect(team.parent).toBeGreaterThanOrEqual(0);
    expect(t.groups.length).toBeGreaterThanOrEqual(2);
    expect(t.groups.every((g) => g.managerFlags.size > 0)).toBe(true);
    const counts = t.groupMemberCounts();
    expect([...counts].every((c) => c > 0)).toBe(true);
  });

  it('formats dates as UTC YYYY-MM-DD HH:MM:SS', () => {
    const created = t.field('CreatedOn')?.get(t, 100);
    expect(created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(formatLsqDateTime(Date.UTC(2016, 2, 26, 14, 15, 0) / 1000)).toBe('2016-03-26 14:15:00');
    expect(formatUnpaddedHourDateTime(Date.UTC(2017, 9, 31, 9, 55, 10) / 1000)).toBe('2017-10-31 9:55:10');
    expect(parseLsqDateTime('2016-03-26 14:15:00')).toBe(Date.UTC(2016, 2, 26, 14, 15, 0) / 1000);
    expect(parseLsqDateTime('2016-02-30 14:15:00')).toBeUndefined();
    for (let i = 0; i < u.count; i += 97) {
      expect(u.modifiedOn[i]).toBeGreaterThanOrEqual(u.createdOn[i]);
      const text = String(t.field('CreatedOn')?.get(t, i));
      expect(parseLsqDateTime(text)).toBe(u.createdOn[i]);
    }
  });

  it('generates 100,000 users in a few seconds', () => {
    const started = performance.now();
    const big = generateTenant({ users: 100_000, seed: 1 });
    expect(big.users.count).toBe(100_000);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
