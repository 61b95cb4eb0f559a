import { describe, expect, it } from 'vitest';
import { leadsquared } from '../../integrations/leadsquared/integration.ts';
import { AttemptFailure } from '../retry.ts';
import { classify, resetInMs, retryAfterMs } from './classify.ts';
import { answering, exchange, ok, status, target } from './fixtures.test-support.ts';

async function failure(promise: Promise<unknown>): Promise<AttemptFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AttemptFailure) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('classify step', () => {
  it('passes a success through', async () => {
    expect((await classify(answering(ok))(exchange())).response).toBe(ok);
  });

  it('names each failure by what it means, with the vendor body in raw_response', async () => {
    const unauthorized = await failure(classify(answering(status(401)))(exchange()));
    expect(unauthorized.kind).toBe('unauthorized');
    const limited = await failure(classify(answering(status(429, { 'retry-after': '7' })))(exchange()));
    expect([limited.kind, limited.retryAfterMs, limited.error.statusCode]).toEqual([
      'rate-limited',
      7000,
      429,
    ]);
    const server = await failure(classify(answering(status(503)))(exchange()));
    expect([server.kind, server.error.statusCode]).toEqual(['server', 502]);
    const missing = await failure(classify(answering(status(404)))(exchange()));
    expect([missing.kind, missing.error.statusCode]).toEqual(['refused', 404]);
    const forbidden = await failure(
      classify(answering(status(403, {}, { message: 'missing scopes' })))(exchange()),
    );
    expect(forbidden.error.extras.truto_error_insight).toHaveProperty('missing_permission');
    expect(forbidden.error.extras.raw_response).toEqual({ message: 'missing scopes' });
  });

  it('recognises an error sent with HTTP 200 (LeadSquared)', async () => {
    const mx = status(
      200,
      {},
      { Status: 'Error', ExceptionType: 'MXDuplicateEntryException', ExceptionMessage: 'dup' },
    );
    const duplicate = await failure(
      classify(answering(mx))(exchange({ target: target({ integration: leadsquared }) })),
    );
    expect([duplicate.kind, duplicate.error.statusCode]).toEqual(['refused', 409]);
  });
});

// How long a vendor 429 asks to wait: Retry-After first, else the reset header the integration declares.
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
