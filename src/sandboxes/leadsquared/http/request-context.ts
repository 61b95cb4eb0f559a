/** Per-request values the guard hook sets for handlers and the response helpers. */
import type { Account } from '../state.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The account whose keys authenticated this call (null on /__sandbox routes). */
    lsqAccount: Account | null;
    /** A truncate fault chose this request: its body is cut short and the connection dropped. */
    lsqTruncate: boolean;
  }
}

export function accountOf(request: { lsqAccount: Account | null }): Account {
  if (!request.lsqAccount) throw new Error('route reached without authentication');
  return request.lsqAccount;
}
