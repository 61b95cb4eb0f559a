/** Reports built from sync snapshots (docs/sync.md): `GET /reports/access-audit`, as CSV or JSON, streamed. */
import { Readable } from 'node:stream';
import { Type } from '@fastify/type-provider-typebox';
import { AccessAuditReport, csvLines, jsonChunks } from '../../reports/access-audit.ts';
import type { Services } from '../../services.ts';
import type { App } from '../app.ts';

export function registerReportRoutes(app: App, { db, accounts }: Services): void {
  const report = new AccessAuditReport({ db, accounts });

  app.get(
    '/reports/access-audit',
    {
      schema: {
        tags: ['reports'],
        summary:
          'Every user of an account with status, roles, groups, team and manager, from the latest sync snapshot',
        querystring: Type.Object({
          integrated_account_id: Type.String({ minLength: 1, maxLength: 100 }),
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' })),
        }),
      },
    },
    async (request, reply) => {
      const { integrated_account_id, format = 'json' } = request.query;
      const header = await report.header(request.environmentId, integrated_account_id);
      const users = report.users(header.integrated_account_id, header.resource);
      reply
        .header('x-switchboard-snapshot-taken-at', header.snapshot.taken_at)
        .header('x-switchboard-snapshot-run-id', header.snapshot.sync_job_run_id)
        .header('cache-control', 'no-store');
      if (format === 'csv') {
        const day = header.generated_at.slice(0, 10);
        const name = `access-audit-${header.tenant_id.replace(/[^A-Za-z0-9._-]/g, '_')}-${day}.csv`;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(Readable.from(csvLines(header, users)));
      }
      return reply.type('application/json; charset=utf-8').send(Readable.from(jsonChunks(header, users)));
    },
  );
}
