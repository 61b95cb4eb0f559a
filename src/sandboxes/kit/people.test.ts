/** Seeded people: deterministic, constant-time per index, realistic shares, and served over HTTP unchanged. */
import { describe, expect, it } from 'vitest';
import { startEmulator } from './emulator.ts';
import { generatePeople } from './people.ts';

describe('generatePeople', () => {
  const people = generatePeople({ seed: 11, count: 5000 });
  const all = [...people];

  it('gives the same people for the same seed, and any one of them directly by index', () => {
    const again = generatePeople({ seed: 11, count: 5000 });
    expect(again.get(4321)).toEqual(all[4321]);
    expect(generatePeople({ seed: 12, count: 5000 }).get(10)).not.toEqual(all[10]);
  });

  it('has unique emails on a few domains, rising creation times and later updates', () => {
    expect(new Set(all.map((p) => p.email)).size).toBe(all.length);
    expect(new Set(all.map((p) => p.domain))).toEqual(new Set(people.domains));
    for (let i = 1; i < all.length; i++)
      expect(all[i].createdAt).toBeGreaterThanOrEqual(all[i - 1].createdAt);
    for (const p of all) expect(p.updatedAt).toBeGreaterThan(p.createdAt);
    const years = (all[all.length - 1].createdAt - all[0].createdAt) / (365 * 86_400_000);
    expect(years).toBeGreaterThan(6);
  });

  it('flags some people inactive and some as non-human, never the first; some names are accented', () => {
    const share = (n: number) => n / all.length;
    expect(share(all.filter((p) => !p.active).length)).toBeCloseTo(0.08, 1);
    expect(share(all.filter((p) => !p.human).length)).toBeCloseTo(0.03, 1);
    expect(all[0]).toMatchObject({ active: true, human: true });
    for (const p of all.filter((x) => !x.active)) expect(p.deactivatedAt).toBe(p.updatedAt);
    expect(all.some((p) => /[^\x20-\x7e]|'/.test(`${p.firstName}${p.lastName}`))).toBe(true);
    for (const p of all) expect(p.email).toMatch(/^[a-z0-9.+]+@[a-z0-9.-]+$/);
  });

  it('refuses indexes outside the directory', () => {
    expect(() => people.get(5000)).toThrow(RangeError);
  });
});

describe('over HTTP', () => {
  it('keeps names with accents intact through JSON', async () => {
    const people = generatePeople({ seed: 3, count: 300, accentedShare: 1 });
    const emulator = await startEmulator({
      name: 'People',
      authenticators: [],
      unauthorized: () => ({ body: {} }),
      publicPaths: () => true,
      routes: (app) =>
        app.get('/people/:i', async (request) => people.get(Number((request.params as { i: string }).i))),
    });
    try {
      const got = await (await fetch(`${emulator.url}/people/7`)).json();
      expect(got).toEqual(people.get(7));
    } finally {
      await emulator.close();
    }
  });
});
