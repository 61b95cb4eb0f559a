/** How long a vendor 429 asks to wait: Retry-After first, else the reset header the integration declares. */
import { describe, expect, it } from 'vitest';
import { resetInMs, retryAfterMs } from './classify.ts';

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

  it('leaves Retry-After to retryAfterMs', () => {
    expect(retryAfterMs(response({ 'retry-after': '4' }))).toBe(4000);
  });
});
