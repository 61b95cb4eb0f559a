import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../errors.ts';
import type { TokenManager } from '../../oauth/tokens.ts';
import { AttemptFailure } from '../retry.ts';
import { authStep } from './auth.ts';
import { answering, counters, exchange, ok, target } from './fixtures.test-support.ts';
import type { UpstreamTarget } from './types.ts';

function hooks() {
  const seen: string[] = [];
  return {
    seen,
    onUnauthorized: async (_t: UpstreamTarget, message: string) => void seen.push(`unauthorized: ${message}`),
    onReactivated: async () => void seen.push('reactivated'),
  };
}

// The API-key path needs no token manager: one that is never called proves it.
const noTokens = {} as TokenManager;

describe('auth step', () => {
  it('injects the account’s key as the integration says', async () => {
    const next = answering(ok);
    await authStep({ hooks: hooks(), tokens: noTokens, counters: counters() })(next)(exchange());
    expect(next.calls[0]!.injection).toEqual({ headers: { authorization: 'Bearer pat-secret' } });
  });

  it('marks a refused key needs_reauth once, and a later success reactivates it', async () => {
    const h = hooks();
    const t = target();
    const refuse = authStep({ hooks: h, tokens: noTokens, counters: counters() })(async () => {
      throw new AttemptFailure('unauthorized', new SwitchboardError('REMOTE_ERROR', 'HubSpot: bad token'));
    });
    await expect(refuse(exchange({ target: t }))).rejects.toBeInstanceOf(AttemptFailure);
    await expect(refuse(exchange({ target: t }))).rejects.toBeInstanceOf(AttemptFailure);
    expect(h.seen).toEqual(['unauthorized: HubSpot: bad token']);
    await authStep({ hooks: h, tokens: noTokens, counters: counters() })(answering(ok))(
      exchange({ target: t }),
    );
    expect(h.seen.at(-1)).toBe('reactivated');
  });

  it('never marks a refused optional feature', async () => {
    const h = hooks();
    const refuse = authStep({ hooks: h, tokens: noTokens, counters: counters() })(async () => {
      throw new AttemptFailure('unauthorized', new SwitchboardError('REMOTE_ERROR', 'plan-gated'));
    });
    await expect(refuse(exchange({ options: { safe: true, optionalFeature: true } }))).rejects.toBeInstanceOf(
      AttemptFailure,
    );
    expect(h.seen).toEqual([]);
  });

  it('answers ACCOUNT_NEEDS_REAUTH for an OAuth account whose grant is gone, calling nobody', async () => {
    const next = answering(ok);
    const t = target({
      accountStatus: 'needs_reauth',
      context: { authentication_method: 'oauth2', oauth: { token: { access_token: 'x' } } },
    });
    await expect(
      authStep({ hooks: hooks(), tokens: noTokens, counters: counters() })(next)(exchange({ target: t })),
    ).rejects.toMatchObject({
      code: 'ACCOUNT_NEEDS_REAUTH',
    });
    expect(next.calls).toEqual([]);
  });
});
