import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../errors.ts';
import { AttemptFailure, DEFAULT_RETRY } from '../retry.ts';
import { counters, exchange, ok } from './fixtures.test-support.ts';
import { retryStep } from './retry.ts';
import type { Handler } from './types.ts';

const settings = { ...DEFAULT_RETRY, baseDelayMs: 1, maxDelayMs: 2 };

function failingThen(
  failures: number,
  kind: AttemptFailure['kind'] = 'server',
): Handler & { attempts: number[] } {
  const attempts: number[] = [];
  const handler = (async (exchange) => {
    attempts.push(exchange.attempt);
    if (attempts.length <= failures)
      throw new AttemptFailure(kind, new SwitchboardError('REMOTE_ERROR', 'boom'));
    return { response: ok };
  }) as Handler & { attempts: number[] };
  handler.attempts = attempts;
  return handler;
}

describe('retry step', () => {
  it('repeats a safe call’s failed attempts, numbering them', async () => {
    const count = counters();
    const next = failingThen(2);
    expect((await retryStep({ settings, counters: count })(next)(exchange())).response).toBe(ok);
    expect(next.attempts).toEqual([0, 1, 2]);
    expect(count.retries).toBe(2);
  });

  it('sends an unsafe call once, and never repeats a refusal', async () => {
    for (const [options, kind] of [
      [{ safe: false }, 'server'],
      [{ safe: true }, 'refused'],
      [{ safe: true }, 'unauthorized'],
    ] as const) {
      const next = failingThen(1, kind);
      await expect(
        retryStep({ settings, counters: counters() })(next)(exchange({ options })),
      ).rejects.toBeInstanceOf(AttemptFailure);
      expect(next.attempts).toEqual([0]);
    }
  });

  it('gives up after the maximum attempts with the last failure', async () => {
    const next = failingThen(10);
    await expect(retryStep({ settings, counters: counters() })(next)(exchange())).rejects.toMatchObject({
      kind: 'server',
    });
    expect(next.attempts).toHaveLength(settings.maxAttempts);
  });
});
