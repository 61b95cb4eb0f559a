/** What the kit adds to Fastify's request and route config (imported for its types by the frame and OAuth routes). */
import type { Principal } from './auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the frame authenticated (null on OAuth, public and control routes). */
    principal: Principal | null;
    /** A truncate fault chose this request. */
    kitTruncate: boolean;
  }
  interface FastifyContextConfig {
    /** Set by the kit on its OAuth routes: they skip API auth and rate limits. */
    kitRoute?: 'oauth' | 'oauth-token';
  }
}
