/** Response headers every unified/proxy/custom answer carries about the upstream account. */
import type { FastifyReply } from 'fastify';
import type { AccountCaller } from '../../upstream/account-caller.ts';

/** `ratelimit-*` (IETF draft names, as Truto sends them) from the account's budget as last seen. */
export function setBudgetHeaders(reply: FastifyReply, caller: AccountCaller): void {
  const budget = caller.budget;
  if (!budget) return;
  reply.header('ratelimit-limit', `${budget.limit};w=${budget.windowSeconds}`);
  reply.header('ratelimit-remaining', String(budget.remaining));
  reply.header('ratelimit-reset', String(budget.resetSeconds));
}

/** `remote_query[...]` as flat string parameters for the vendor. */
export function remoteQueryParams(value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}
