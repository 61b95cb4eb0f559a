/** The vendor's budget headers, read as the pacing and classify steps read them. */
import { describe, expect, it } from 'vitest';
import type { RateHeaders } from '../../integrations/types.ts';
import { exhaustedForMs, resetInMs } from './pacing.ts';

const NOW = 1_700_000_000_000;
const CAPSULE: RateHeaders = {
  remaining: 'x-ratelimit-remaining',
  reset: { header: 'x-ratelimit-reset', unit: 'epoch-seconds' },
};
const response = (headers: Record<string, string>) => ({ status: 429, headers, body: null });

describe('vendor budget headers', () => {
  it('reads the reset a vendor names, in each unit, and nothing when it names none', () => {
    expect(resetInMs(response({ 'x-ratelimit-reset': String(NOW / 1000 + 2) }), CAPSULE, NOW)).toBe(2000);
    expect(resetInMs(response({ 'x-ratelimit-reset': String(NOW / 1000 - 5) }), CAPSULE, NOW)).toBe(0);
    expect(resetInMs(response({ 'retry-in': '3' }), { reset: { header: 'retry-in', unit: 'seconds' } })).toBe(
      3000,
    );
    expect(resetInMs(response({}), CAPSULE, NOW)).toBeUndefined();
    expect(resetInMs(response({ 'x-ratelimit-reset': 'soon' }), CAPSULE, NOW)).toBeUndefined();
    expect(resetInMs(response({ 'x-ratelimit-reset': '1' }), { remaining: 'x' }, NOW)).toBeUndefined();
  });

  it('says the budget is spent only when none remains, until the named reset or for a second', () => {
    const reset = String(NOW / 1000 + 60);
    expect(
      exhaustedForMs(response({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': reset }), CAPSULE, NOW),
    ).toBe(undefined);
    expect(
      exhaustedForMs(response({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), CAPSULE, NOW),
    ).toBe(60_000);
    expect(exhaustedForMs(response({ 'x-ratelimit-remaining': '0' }), CAPSULE, NOW)).toBe(1000);
  });
});
