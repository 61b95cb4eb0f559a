/**
 * Environments: an admin token creates environments, each with a first token shown once, and mints more tokens
 * for them. Every token can read its own environment; a token that is not admin sees no other (another
 * environment is a 404 to it, like any resource of another environment).
 */
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { SwitchboardError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import {
  createApiToken,
  createEnvironment,
  type Environment,
  getEnvironment,
  listEnvironments,
  nameProblem,
} from '../../store/tenancy.ts';
import type { App } from '../app.ts';
import { decodeKeyset, keysetPage } from '../cursor.ts';
import { LimitQuery, listLimit } from '../list-limit.ts';

const tags = ['environments'];
const Name = Type.String({ minLength: 1, maxLength: 100, description: '1 to 100 printable characters' });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

function environmentToJson(environment: Environment): Record<string, unknown> {
  return { id: environment.id, name: environment.name, created_at: environment.created_at };
}

/** Runs before body validation, so a token that is not admin learns nothing about what the body should be. */
async function requireAdmin(request: FastifyRequest): Promise<void> {
  if (!request.isAdmin) {
    throw new SwitchboardError('FORBIDDEN', 'administering environments needs an admin API token');
  }
}

function checkName(field: string, name: string): void {
  const problem = nameProblem(field, name);
  if (problem) throw new SwitchboardError('INVALID_REQUEST', problem);
}

export function registerEnvironmentRoutes(app: App, { db, keyring }: Services): void {
  app.post(
    '/environment',
    {
      preValidation: requireAdmin,
      schema: {
        tags,
        summary: 'Create an environment (admin token); the response carries its first API token, shown once',
        body: Type.Object({ name: Name }),
      },
    },
    async (request, reply) => {
      checkName('name', request.body.name);
      // Together, so an environment never exists without the token that can use it.
      const { environment, token } = await db.transaction().execute(async (trx) => {
        const environment = await createEnvironment(trx, request.body.name);
        const token = await createApiToken(trx, environment.id, 'first token');
        return { environment, token };
      });
      return reply.code(201).send({
        ...environmentToJson(environment),
        api_token: { id: token.id, name: token.name, token: token.token },
      });
    },
  );

  app.get(
    '/environment',
    {
      schema: {
        tags,
        summary: 'List environments: every one for an admin token, else only the token’s own',
        querystring: Type.Object({ limit: LimitQuery, next_cursor: Type.Optional(Type.String()) }),
      },
    },
    async (request) => {
      const limit = listLimit(request.query.limit);
      const page = await listEnvironments(db, {
        limit,
        after: decodeKeyset(keyring, request.query.next_cursor),
        only: request.isAdmin ? undefined : request.environmentId,
      });
      return keysetPage(
        keyring,
        page,
        limit,
        (e) => ({ createdAt: e.created_at, id: e.id }),
        environmentToJson,
      );
    },
  );

  app.get(
    '/environment/:id',
    {
      schema: {
        tags,
        summary: 'Get an environment (a token that is not admin: its own only)',
        params: IdParams,
      },
    },
    async (request) => {
      const { id } = request.params;
      const environment =
        request.isAdmin || id === request.environmentId ? await getEnvironment(db, id) : undefined;
      if (!environment) throw new SwitchboardError('NOT_FOUND', `no environment ${id}`);
      return environmentToJson(environment);
    },
  );

  app.post(
    '/environment/:id/api-token',
    {
      preValidation: requireAdmin,
      schema: {
        tags,
        summary:
          'Mint an API token for an environment (admin token); the token is shown only in this response',
        params: IdParams,
        body: Type.Object({ name: Name }),
      },
    },
    async (request, reply) => {
      checkName('name', request.body.name);
      const environment = await getEnvironment(db, request.params.id);
      if (!environment) throw new SwitchboardError('NOT_FOUND', `no environment ${request.params.id}`);
      const token = await createApiToken(db, environment.id, request.body.name);
      return reply.code(201).send({
        id: token.id,
        environment_id: environment.id,
        name: token.name,
        token: token.token,
        created_at: token.createdAt,
      });
    },
  );
}
