import { describe, expect, it } from 'vitest';
import { isoUtc } from './dates.ts';

describe('isoUtc', () => {
  it.each([
    ['2024-01-31T09:30:00Z', '2024-01-31T09:30:00.000Z'],
    ['2024-01-31T15:00:00+05:30', '2024-01-31T09:30:00.000Z'],
    ['2024-01-31T09:30:00.123456Z', '2024-01-31T09:30:00.123Z'],
    ['2024-01-31 09:30:00', '2024-01-31T09:30:00.000Z'],
    ['2024-01-31', '2024-01-31T00:00:00.000Z'],
    [1706693400, '2024-01-31T09:30:00.000Z'],
    [1706693400000, '2024-01-31T09:30:00.000Z'],
    ['1706693400', '2024-01-31T09:30:00.000Z'],
    ['/Date(1706693400000)/', '2024-01-31T09:30:00.000Z'],
    ['/Date(1706693400000+0530)/', '2024-01-31T09:30:00.000Z'],
  ])('%s → %s', (input, expected) => {
    expect(isoUtc(input)).toBe(expected);
  });

  it('reads a zoneless date-time in the offset it is given', () => {
    expect(isoUtc('2024-01-31 15:00:00', 330)).toBe('2024-01-31T09:30:00.000Z');
  });

  it('answers null rather than guessing', () => {
    for (const input of [null, undefined, '', 'yesterday', '2024-13-45', {}, true])
      expect(isoUtc(input)).toBeNull();
  });
});
