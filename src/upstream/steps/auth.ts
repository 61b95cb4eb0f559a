/**
 * Credentials for each attempt. API keys are injected as the integration says; a refused key moves the
 * account to `needs_reauth` (once per request), a later success back to `active`. OAuth: the access token
 * is refreshed ahead of expiry (`oauth/tokens.ts`); a 401 refreshes it once and retries the attempt once
 * (the vendor refused the request outright, so repeating it is safe even for a write); an account whose
 * grant is gone answers 401 `ACCOUNT_NEEDS_REAUTH` without calling anyone.
 *
 * This step sits outside pacing so that a refresh never holds a vendor slot and the retry after a refresh
 * takes a slot of its own.
 */
import type { OAuth2Auth } from '../../integrations/kit/auth.ts';
import { needsReauth, type TokenManager } from '../../oauth/tokens.ts';
import { AttemptFailure } from '../retry.ts';
import type { Exchange, Handler, Outcome, Step, UpstreamCounters, UpstreamTarget } from './types.ts';

export interface AccountStatusHooks {
  onUnauthorized(target: UpstreamTarget, message: string): Promise<void>;
  onReactivated(target: UpstreamTarget): Promise<void>;
}

function refusedCredentials(error: unknown): error is AttemptFailure {
  return error instanceof AttemptFailure && error.kind === 'unauthorized';
}

export function authStep(deps: {
  hooks: AccountStatusHooks;
  tokens: TokenManager;
  counters: UpstreamCounters;
}): Step {
  const { hooks, tokens, counters } = deps;

  async function markRefused(exchange: Exchange, error: AttemptFailure): Promise<void> {
    const { target, options } = exchange;
    if (options.optionalFeature || target.accountStatus === 'needs_reauth') return;
    target.accountStatus = 'needs_reauth';
    await hooks.onUnauthorized(target, error.message);
  }

  async function succeeded(exchange: Exchange, outcome: Outcome): Promise<Outcome> {
    const { target } = exchange;
    if (target.accountStatus === 'needs_reauth') {
      target.accountStatus = 'active';
      await hooks.onReactivated(target);
    }
    return outcome;
  }

  async function withOAuth(next: Handler, exchange: Exchange, kind: OAuth2Auth): Promise<Outcome> {
    const { target } = exchange;
    if (target.accountStatus === 'needs_reauth') {
      throw needsReauth(target.integration, 'the account needs to be reconnected');
    }
    const account = { ...target, accountId: target.accountId };
    const token = await tokens.current(account, kind);
    try {
      return await next({ ...exchange, injection: kind.inject(token.access_token, target.context) });
    } catch (error) {
      if (!refusedCredentials(error) || exchange.options.optionalFeature) throw error;
      const fresh = await tokens.refresh(account, kind, token.access_token, 'unauthorized');
      counters.refreshedRetries++;
      try {
        return await next({ ...exchange, injection: kind.inject(fresh.access_token, target.context) });
      } catch (again) {
        // A token the vendor has just issued is refused too: the grant itself is no good.
        if (refusedCredentials(again)) {
          tokens.forget(target.accountId);
          await markRefused(exchange, again);
        }
        throw again;
      }
    }
  }

  return (next) => async (exchange) => {
    const { target } = exchange;
    const kind = target.integration.authKindOf(target.context);
    if (kind.kind === 'oauth2') return withOAuth(next, exchange, kind);
    try {
      return await succeeded(exchange, await next({ ...exchange, injection: kind.inject(target.context) }));
    } catch (error) {
      if (refusedCredentials(error)) await markRefused(exchange, error);
      throw error;
    }
  };
}
