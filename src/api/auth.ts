/**
 * Bearer-token authentication. A token resolves to exactly one environment; everything the request
 * touches afterwards is scoped to it. An admin token may also administer environments
 * (`routes/environments.ts`). Lookups are cached briefly (bounded, 5 s) so the hot path does not hit the
 * database on every call; a deleted token stops working within that time on every instance.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SwitchboardError } from '../errors.ts';
import type { Services } from '../services.ts';
import { findToken, type TokenGrant } from '../store/tenancy.ts';

const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 10_000;

export function authenticate(services: Services) {
  const cache = new Map<string, { grant: TokenGrant; expires: number }>();

  async function resolve(token: string): Promise<TokenGrant | undefined> {
    const now = Date.now();
    const hit = cache.get(token);
    if (hit && hit.expires > now) return hit.grant;
    const grant = await findToken(services.db, token);
    if (grant) {
      if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
      cache.set(token, { grant, expires: now + CACHE_TTL_MS });
    }
    return grant;
  }

  return async function onRequest(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    // Unknown routes fall through to the 404 handler; public routes need no token.
    if (!request.routeOptions.url || request.routeOptions.config.public) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      throw new SwitchboardError('UNAUTHORIZED', 'send an API token as "Authorization: Bearer <token>"');
    }
    const grant = await resolve(match[1]!);
    if (!grant) throw new SwitchboardError('UNAUTHORIZED', 'the API token is not valid');
    request.environmentId = grant.environmentId;
    request.isAdmin = grant.admin;
  };
}
