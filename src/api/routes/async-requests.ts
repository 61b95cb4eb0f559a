/**
 * Vendor operations that finish later: `GET /async-request/:id` (checks a pending one against the vendor)
 * and the callback URL vendors POST their outcome to (public: the unguessable token is the credential).
 */
import { Type } from '@fastify/type-provider-typebox';
import { asyncRequestToJson } from '../../async-requests/async-requests.ts';
import { SwitchboardError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { openCaller } from '../../upstream/account-caller.ts';
import type { App } from '../app.ts';

/** LeadSquared's callback payload is undocumented; any failure count or a non-success status means failed. */
function outcomeStatus(body: unknown): 'completed' | 'failed' {
  const record = (body ?? {}) as { Status?: unknown; FailureCount?: unknown };
  if (typeof record.FailureCount === 'number' && record.FailureCount > 0) return 'failed';
  if (typeof record.Status === 'string' && !/^success/i.test(record.Status)) return 'failed';
  return 'completed';
}

export function registerAsyncRequestRoutes(app: App, services: Services): void {
  app.get(
    '/async-request/:id',
    {
      schema: {
        tags: ['unified'],
        summary: 'The outcome of an asynchronous vendor operation (checked against the vendor while pending)',
        params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      },
    },
    async (request) => {
      let found = await services.asyncRequests.get(request.environmentId, request.params.id);
      if (!found)
        throw new SwitchboardError('NOT_FOUND', `no async request ${request.params.id} in this environment`);
      if (found.status === 'pending') {
        const caller = await openCaller(services, request.environmentId, found.integratedAccountId);
        const check = caller.integration.asyncChecks?.[found.kind];
        if (check) {
          const result = await check(caller, found.details);
          if (result.status !== 'pending') {
            await services.asyncRequests.settle(found.id, result.status, result.outcome);
            found = (await services.asyncRequests.get(request.environmentId, found.id))!;
          }
        }
      }
      return asyncRequestToJson(found);
    },
  );

  app.post(
    '/callbacks/async/:token',
    {
      config: { public: true },
      schema: { hide: true, params: Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) }) },
    },
    async (request) => {
      const found = await services.asyncRequests.findByCallbackToken(request.params.token);
      if (!found) throw new SwitchboardError('NOT_FOUND', 'unknown callback');
      await services.asyncRequests.settle(found.id, outcomeStatus(request.body), request.body ?? null);
      return { ok: true };
    },
  );
}
