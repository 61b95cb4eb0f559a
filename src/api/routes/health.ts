import { sql } from 'kysely';
import type { Services } from '../../services.ts';
import type { App } from '../app.ts';

export function registerHealthRoutes(app: App, services: Services): void {
  app.get(
    '/health',
    { config: { public: true }, schema: { tags: ['operations'] } },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(services.db);
        return { status: 'ok', database: services.dbKind };
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: services.dbKind });
      }
    },
  );
}
