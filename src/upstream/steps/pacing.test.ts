/** Reading a vendor's budget headers: how long to hold off once it says no calls are left. */
import { describe, expect, it } from 'vitest';
import type { UpstreamResponse } from '../types.ts';
import { exhaustedForMs } from './pacing.ts';

const response = (headers: Record<string, string>): UpstreamResponse => ({ status: 200, headers, body: {} });
const NOW = Date.parse('2021-06-15T09:51:00.000Z');

describe('exhaustedForMs', () => {
  it('waits until a reset given as a zoned ISO 8601 date (Teamleader)', () => {
    const headers = {
      remaining: 'x-ratelimit-remaining',
      reset: { header: 'x-ratelimit-reset', unit: 'date' as const },
    };
    const spent = response({
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '2021-06-15T10:51:23.035+0100',
    });
    expect(exhaustedForMs(spent, headers, NOW)).toBe(23_035);
    const left = response({
      'x-ratelimit-remaining': '3',
      'x-ratelimit-reset': '2021-06-15T10:51:23.035+0100',
    });
    expect(exhaustedForMs(left, headers, NOW)).toBeUndefined();
    const unreadable = response({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'soon' });
    expect(exhaustedForMs(unreadable, headers, NOW)).toBe(1000);
  });

  it('still reads seconds and epochs', () => {
    const spent = { 'x-remaining': '0', 'x-reset': '7' };
    expect(
      exhaustedForMs(
        response(spent),
        { remaining: 'x-remaining', reset: { header: 'x-reset', unit: 'seconds' } },
        NOW,
      ),
    ).toBe(7000);
    const epoch = { 'x-remaining': '0', 'x-reset': String(NOW / 1000 + 2) };
    expect(
      exhaustedForMs(
        response(epoch),
        { remaining: 'x-remaining', reset: { header: 'x-reset', unit: 'epoch-seconds' } },
        NOW,
      ),
    ).toBe(2000);
  });
});
