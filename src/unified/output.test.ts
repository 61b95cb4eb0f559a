import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../errors.ts';
import { keyBy } from './output.ts';

describe('keyBy (truto_key_by)', () => {
  it('keeps a record whose key is "__proto__" as an ordinary key, also in JSON', () => {
    const records = [
      { id: '__proto__', name: 'a' },
      { id: 'constructor', name: 'b' },
      { id: 'toString', name: 'c' },
    ];
    const keyed = keyBy(records, 'id');
    expect(Object.keys(keyed)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(keyed)).toBeNull();
    const json = JSON.stringify(keyed);
    expect(json).toContain('"__proto__":{"id":"__proto__","name":"a"}');
    expect(Object.keys(JSON.parse(json))).toHaveLength(3);
  });

  it('refuses duplicate keys, naming the field, the count and the values', () => {
    const records = [
      ...Array.from({ length: 40 }, (_, i) => ({ id: `u${i}`, team: `t${i % 7}` })),
      { id: 'x', team: 'solo' },
      { id: 'y', team: 'other' },
    ];
    let error: unknown;
    try {
      keyBy(records, 'team');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({ statusCode: 422, code: 'KEY_BY_NOT_UNIQUE' });
    const message = (error as Error).message;
    expect(message).toContain('"team"');
    expect(message).toContain('40 of 42 records');
    expect(message).toContain('"t0", "t1", "t2", "t3", "t4" and 2 more');
    expect(message).toContain('such as id');
  });

  it('keys only by a field the record itself has, never an inherited one', () => {
    expect(() => keyBy([{ id: '1' }], 'constructor')).toThrow(/missing or not a scalar/);
    expect(() => keyBy([{ id: '1' }], '__proto__')).toThrow(/missing or not a scalar/);
  });
});
