/**
 * The origin's circuit breaker around one attempt: an open circuit fails fast (before any byte is sent);
 * failures that say the vendor is unwell count towards opening it (`breakers.ts`).
 */
import type { Breakers } from '../breakers.ts';
import type { Step } from './types.ts';

export function breakerStep(breakers: Breakers): Step {
  return (next) => async (exchange) => {
    const origin = exchange.target.origin;
    breakers.check(origin);
    return breakers.execute(origin, () => next(exchange));
  };
}
