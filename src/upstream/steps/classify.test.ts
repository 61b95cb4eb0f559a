import { describe, expect, it } from 'vitest';
import { leadsquared } from '../../integrations/leadsquared/integration.ts';
import { AttemptFailure } from '../retry.ts';
import { classify } from './classify.ts';
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
