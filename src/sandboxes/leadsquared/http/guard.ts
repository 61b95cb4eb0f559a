/**
 * Runs before every /v2 handler: authenticate, count the call, apply the rate limit, then
 * inject faults. Written callback-style so the common path allocates no promises.
 */
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { applyFault, type FaultEffects } from '../../kit/faults.ts';
import { AUTHENTICATE_PATH } from '../routes/authentication.ts';
import type { SandboxState } from '../state.ts';
import { authenticate } from './auth.ts';
import { INVALID_ACCESS_MESSAGE, mxBody, rateLimitMessage } from './errors.ts';
import { JSON_TYPE } from './respond.ts';

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function injectedErrorBody(state: SandboxState, status: number): string {
  if (status === 401) return mxBody('MXInvalidAccessDetailsException', INVALID_ACCESS_MESSAGE);
  if (status === 429) {
    return mxBody(
      'MXAPIRateLimitExceededException',
      rateLimitMessage(state.limiter.config.calls || 25, state.limiter.config.windowSeconds),
    );
  }
  return mxBody('MXInjectedFaultException', `The API call failed (injected fault, HTTP ${status})`);
}

export function createGuard(state: SandboxState) {
  const effects: FaultEffects = {
    errorBody: (status) => ({ body: injectedErrorBody(state, status), contentType: JSON_TYPE }),
    markTruncated: (request) => {
      request.lsqTruncate = true;
    },
    stalledSockets: state.stalledSockets,
    record: (kind) => state.stats.recordFault(kind),
  };
  return function guard(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const result = authenticate(state, request, request.routeOptions.url === AUTHENTICATE_PATH);
    if ('error' in result) {
      state.stats.recordUnauthorized();
      if (state.settings.emptyUnauthorizedBody) reply.code(401).type('text/plain').send('');
      else reply.code(401).type(JSON_TYPE).send(mxBody('MXInvalidAccessDetailsException', result.error));
      return;
    }
    const key = result.account.accessKey;
    request.lsqAccount = result.account;
    const now = performance.now();
    state.stats.recordCall(key, now);
    if (!state.limiter.tryAcquire(key, now)) {
      state.stats.recordRateLimited(key);
      const { calls, windowSeconds, http200 } = state.limiter.config;
      reply
        .code(http200 ? 200 : 429)
        .type(JSON_TYPE)
        .send(mxBody('MXAPIRateLimitExceededException', rateLimitMessage(calls, windowSeconds)));
      return;
    }
    const decision = state.faults.decide(pathOf(request.url));
    if (!decision) {
      done();
      return;
    }
    applyFault(decision, request, reply, done, effects);
  };
}
