import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../errors.ts';
import { Breakers, CircuitOpen } from '../breakers.ts';
import { AttemptFailure } from '../retry.ts';
import { breakerStep } from './breaker.ts';
import { exchange, ok } from './fixtures.test-support.ts';

describe('breaker step', () => {
  it('opens after consecutive vendor faults and then fails fast without calling', async () => {
    const breakers = new Breakers({ threshold: 2, halfOpenAfterMs: 60_000 });
    let calls = 0;
    const step = breakerStep(breakers)(async () => {
      calls++;
      throw new AttemptFailure('server', new SwitchboardError('REMOTE_ERROR', 'down'));
    });
    await expect(step(exchange())).rejects.toBeInstanceOf(AttemptFailure);
    await expect(step(exchange())).rejects.toBeInstanceOf(AttemptFailure);
    await expect(step(exchange())).rejects.toBeInstanceOf(CircuitOpen);
    expect(calls).toBe(2);
  });

  it('does not count a refusal (the vendor is healthy)', async () => {
    const breakers = new Breakers({ threshold: 1, halfOpenAfterMs: 60_000 });
    const refuse = breakerStep(breakers)(async () => {
      throw new AttemptFailure('refused', new SwitchboardError('REMOTE_ERROR', 'no'));
    });
    await expect(refuse(exchange())).rejects.toBeInstanceOf(AttemptFailure);
    expect((await breakerStep(breakers)(async () => ({ response: ok }))(exchange())).response).toBe(ok);
  });
});
