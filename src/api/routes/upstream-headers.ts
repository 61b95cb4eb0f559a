/** Response headers every unified/proxy/custom answer carries about the upstream account. */
import type { FastifyReply } from 'fastify';
import type { RateBudget } from '../../upstream/client.ts';

/** `ratelimit-*` (IETF draft names, as Truto sends them) from the account's budget as last seen. */
export function setBudgetHeaders(reply: FastifyReply, budget: RateBudget | undefined): void {
  if (!budget) return;
  reply.header('ratelimit-limit', `${budget.limit};w=${budget.windowSeconds}`);
  reply.header('ratelimit-remaining', String(budget.remaining));
  reply.header('ratelimit-reset', String(budget.resetSeconds));
}
