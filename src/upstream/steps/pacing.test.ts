import { describe, expect, it } from 'vitest';
import { MemoryPaceStore } from '../pace-store.ts';
import { Pacer, PacingRejected } from '../pacer.ts';
import { answering, counters, exchange, ok, status, target } from './fixtures.test-support.ts';
import { pacingStep } from './pacing.ts';

function step(store = new MemoryPaceStore()) {
  const pacer = new Pacer(store, { maxQueue: 100, holdMs: 5_000 });
  return (next: Parameters<ReturnType<typeof pacingStep>>[0]) =>
    pacingStep({ pacer, store, maxWaitMs: 2_000, deadlineMs: 10_000, counters: counters() })(next);
}

describe('pacing step', () => {
  it('holds a call until the window has room, and reports the budget', async () => {
    const paced = step()(answering(ok));
    const t = target({ rateLimit: { calls: 2, windowSeconds: 0.3 } });
    const started = Date.now();
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await paced(exchange({ target: t })));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(outcomes[0]!.budget).toMatchObject({ limit: 2, windowSeconds: 0.3 });
  });

  it('counts longer windows too: past a daily cap the call is refused without waiting', async () => {
    const paced = step()(answering(ok));
    const t = target({
      rateLimit: { calls: 100, windowSeconds: 1, more: [{ calls: 2, windowSeconds: 86_400 }] },
    });
    await paced(exchange({ target: t }));
    await paced(exchange({ target: t }));
    await expect(paced(exchange({ target: t }))).rejects.toBeInstanceOf(PacingRejected);
  });

  it('pauses the account when the vendor’s headers say no calls are left until the reset', async () => {
    const next = answering(status(200, { 'x-remaining': '0', 'x-reset': '1' }), ok);
    const paced = step()(next);
    const t = target({
      rateLimit: {
        calls: 100,
        windowSeconds: 1,
        headers: { remaining: 'x-remaining', reset: { header: 'x-reset', unit: 'seconds' } },
      },
    });
    await paced(exchange({ target: t }));
    const started = Date.now();
    await paced(exchange({ target: t }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
