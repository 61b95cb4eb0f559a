/** A vendor's rate-limit headers: when its window resets, and when it says no calls are left. */
import { describe, expect, it } from 'vitest';
import { exhaustedForMs, resetInMs } from './rate-headers.ts';

const response = (headers: Record<string, string>) => ({ status: 429, headers, body: null });
const now = 1_700_000_000_000;

describe('resetInMs', () => {
  it('reads the declared reset header in each unit', () => {
    const epoch = { header: 'X-RateLimit-Reset', unit: 'epoch-seconds' } as const;
    expect(resetInMs(response({ 'x-ratelimit-reset': '1700000003' }), { reset: epoch }, now)).toBe(3000);
    expect(resetInMs(response({ reset: '2' }), { reset: { header: 'reset', unit: 'seconds' } }, now)).toBe(
      2000,
    );
    expect(
      resetInMs(
        response({ reset: String(now + 500) }),
        { reset: { header: 'reset', unit: 'epoch-ms' } },
        now,
      ),
    ).toBe(500);
    expect(resetInMs(response({ 'x-ratelimit-reset': '1600000000' }), { reset: epoch }, now)).toBe(0);
  });

  it('says nothing without a declared header, or when the response lacks it or it is unreadable', () => {
    expect(resetInMs(response({ 'x-ratelimit-reset': '1700000003' }), undefined, now)).toBeUndefined();
    expect(resetInMs(response({}), { remaining: 'x-ratelimit-remaining' }, now)).toBeUndefined();
    const declared = { reset: { header: 'x-ratelimit-reset', unit: 'epoch-seconds' } } as const;
    expect(resetInMs(response({}), declared, now)).toBeUndefined();
    expect(resetInMs(response({ 'x-ratelimit-reset': 'soon' }), declared, now)).toBeUndefined();
  });

  it('reads a reset given as a zoned date (Teamleader)', () => {
    const date = { reset: { header: 'x-ratelimit-reset', unit: 'date' } } as const;
    const at = Date.parse('2021-06-15T09:51:00.000Z');
    expect(resetInMs(response({ 'x-ratelimit-reset': '2021-06-15T10:51:23.035+0100' }), date, at)).toBe(
      23_035,
    );
  });
});

describe('exhaustedForMs', () => {
  it('holds off until the reset only when the vendor says none are left', () => {
    const headers = { remaining: 'x-rl-remaining', reset: { header: 'z', unit: 'seconds' } } as const;
    expect(exhaustedForMs(response({ 'x-rl-remaining': '3', z: '2' }), headers, now)).toBeUndefined();
    expect(exhaustedForMs(response({ 'x-rl-remaining': '0', z: '2' }), headers, now)).toBe(2000);
    expect(exhaustedForMs(response({ 'x-rl-remaining': '0' }), headers, now)).toBe(1000);
    expect(exhaustedForMs(response({ 'x-rl-remaining': '0', z: '2' }), undefined, now)).toBeUndefined();
  });
});
