/**
 * Query Site Contributors: `GET /roles-management/v2/contributors/query`, optional `filter.policyIds` and
 * `filter.locationIds` (repeatable query parameters), answering `{ contributors }` in one response (no
 * paging). The caller must reach the site (an app instance installed on it, or an API key with access to
 * the site named in `wix-site-id`) and hold Manage Contributors.
 * https://dev.wix.com/docs/rest/account-level/user-management/contributors/query-site-contributors
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ContributorStore } from './contributors.ts';
import { applicationError, notFound, permissionDenied, validationError } from './errors.ts';
import { MANAGE_CONTRIBUTORS } from './oauth.ts';

export const CONTRIBUTORS_PATH = '/roles-management/v2/contributors/query';

class Refusal extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super('refused');
    this.status = status;
    this.body = body;
  }
}

function list(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  if (values.some((v) => typeof v !== 'string' || v === ''))
    throw new Refusal(400, validationError(field, 'must be a list of ids'));
  return values as string[];
}

/** The principal's site must be this one, with the permission (a missing `wix-site-id` fails here too). */
function authorizeSite(request: FastifyRequest, store: ContributorStore): void {
  const principal = request.principal!;
  if (principal.account !== store.siteId)
    throw new Refusal(403, permissionDenied('the credentials cannot reach this site (check wix-site-id)'));
  if (!principal.scopes?.includes(MANAGE_CONTRIBUTORS))
    throw new Refusal(403, permissionDenied(`missing the ${MANAGE_CONTRIBUTORS} permission`));
}

export function registerContributorRoutes(app: FastifyInstance, store: ContributorStore): void {
  app.get(CONTRIBUTORS_PATH, async (request) => {
    authorizeSite(request, store);
    const q = request.query as Record<string, unknown>;
    const policyIds = list(q['filter.policyIds'], 'filter.policyIds');
    const locationIds = list(q['filter.locationIds'], 'filter.locationIds');
    return { contributors: store.query({ policyIds, locationIds }) };
  });

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send(notFound());
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof Refusal) return reply.code(error.status).send(error.body);
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return reply
      .code(status)
      .send(
        applicationError(
          status === 500 ? 'INTERNAL' : 'INVALID_ARGUMENT',
          status === 500 ? 'Internal Server Error' : error.message,
        ),
      );
  });
}
