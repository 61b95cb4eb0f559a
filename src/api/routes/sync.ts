/**
 * Directory sync routes (docs/sync.md): start a run (`POST /sync-job-run`), list and read runs, and an
 * account's schedule (`GET|PATCH /integrated-account/:id/sync`).
 */
import { Type } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { RUN_STATUSES, runToJson } from '../../sync/runs.ts';
import type { App } from '../app.ts';
import { decodeKeyset, keysetPage } from '../cursor.ts';
import { LimitQuery, listLimit } from '../list-limit.ts';

const tags = ['sync'];
const Id = Type.String({ minLength: 1, maxLength: 100 });
const Resources = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  maxItems: 20,
  description:
    'unified resources to read, e.g. ["users", "groups"] or ["user-directory/users"]; default: users, groups, roles',
});

export function registerSyncRoutes(app: App, { sync, keyring }: Services): void {
  app.post(
    '/sync-job-run',
    {
      schema: {
        tags,
        summary: 'Start a sync of an account now (409 while one is pending or running)',
        body: Type.Object(
          {
            integrated_account_id: Id,
            resources: Type.Optional(Resources),
            emit_initial: Type.Optional(
              Type.Boolean({
                description: 'on a first (baseline) sync, emit record:created & co. for every record',
              }),
            ),
            page_size: Type.Optional(
              Type.Integer({
                minimum: 1,
                description: "records per vendor page (default: the vendor's maximum)",
              }),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => reply.code(201).send(await sync.createRun(request.environmentId, request.body)),
  );

  app.get(
    '/sync-job-run',
    {
      schema: {
        tags,
        summary: 'List sync runs, newest first, with their status and counts',
        querystring: Type.Object({
          integrated_account_id: Type.Optional(Id),
          status: Type.Optional(Type.Union(RUN_STATUSES.map((s) => Type.Literal(s)))),
          limit: LimitQuery,
          next_cursor: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const { integrated_account_id, status, next_cursor } = request.query;
      const limit = listLimit(request.query.limit);
      const page = await sync.listRuns(request.environmentId, {
        accountId: integrated_account_id,
        status,
        limit,
        after: decodeKeyset(keyring, next_cursor),
      });
      return keysetPage(keyring, page, limit, (r) => ({ createdAt: r.created_at, id: r.id }), runToJson);
    },
  );

  app.get(
    '/sync-job-run/:id',
    { schema: { tags, summary: 'A sync run: status, counts, progress', params: Type.Object({ id: Id }) } },
    async (request) => sync.getRun(request.environmentId, request.params.id),
  );

  app.get(
    '/integrated-account/:id/sync',
    {
      schema: {
        tags,
        summary: "An account's sync schedule, last run and snapshots",
        params: Type.Object({ id: Id }),
      },
    },
    async (request) => sync.getSchedule(request.environmentId, request.params.id),
  );

  app.patch(
    '/integrated-account/:id/sync',
    {
      schema: {
        tags,
        summary: "Set an account's sync schedule",
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            interval_seconds: Type.Optional(
              Type.Union([Type.Integer({ minimum: 0, maximum: 30 * 86_400 }), Type.Null()], {
                description:
                  'seconds between scheduled syncs (at least 60); 0 = never; null = the server default',
              }),
            ),
            resources: Type.Optional(Type.Union([Resources, Type.Null()])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => sync.setSchedule(request.environmentId, request.params.id, request.body),
  );
}
