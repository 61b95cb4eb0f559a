/**
 * The sandbox's Fastify app: LeadSquared's /v2 endpoints behind the auth / rate-limit / fault
 * guard, plus the /__sandbox control routes. Paths match case-insensitively, as .NET/WCF routing
 * usually does.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { registerControlRoutes } from './control-routes.ts';
import { badRequest, MXError } from './http/errors.ts';
import { createGuard, pathOf } from './http/guard.ts';
import './http/request-context.ts';
import { sendError } from './http/respond.ts';
import { registerAuthenticationRoutes } from './routes/authentication.ts';
import { registerAvailabilityRoutes } from './routes/availability.ts';
import { registerNotifyRoutes } from './routes/notify.ts';
import { registerPermissionTemplateRoutes } from './routes/permission-templates.ts';
import { registerSalesGroupRoutes } from './routes/sales-groups.ts';
import { registerTeamRoutes } from './routes/teams.ts';
import { registerUserSearchRoutes } from './routes/user-search.ts';
import { registerUserReadRoutes } from './routes/users-read.ts';
import { registerUserWriteRoutes } from './routes/users-write.ts';
import type { SandboxState } from './state.ts';

export interface BuildAppOptions {
  logger?: boolean;
}

function installBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(badRequest('Request body is not as specified: malformed JSON'), undefined);
    }
  });
  // LeadSquared bodies are JSON; anything else is a 400 ("wrong content type").
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    if (String(body).trim() === '') return done(null, undefined);
    done(badRequest('Request body is not as specified: Content-Type must be application/json'), undefined);
  });
}

export function buildLeadSquaredApp(state: SandboxState, options: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    forceCloseConnections: true,
    bodyLimit: 16 * 1024 * 1024,
  });
  app.decorateRequest('lsqAccount', null);
  app.decorateRequest('lsqTruncate', false);
  installBodyParsers(app);

  app.setErrorHandler((error: FastifyError | MXError, request, reply) => {
    if (error instanceof MXError) return sendError(request, reply, error, state.settings.softErrors);
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      return sendError(
        request,
        reply,
        new MXError(400, 'MXInvalidRequestException', error.message),
        state.settings.softErrors,
      );
    }
    request.log.error(error);
    return sendError(
      request,
      reply,
      new MXError(500, 'MXException', `The API call failed: ${error.message}`),
      false,
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new MXError(404, 'MXAPINotFoundException', 'API not found. Please check the API signature.'),
      false,
    ),
  );

  // Requests per path (control routes excluded), before auth so 401s and 404s count too.
  app.addHook('onRequest', (request, _reply, done) => {
    if (!request.url.toLowerCase().startsWith('/__sandbox')) {
      state.stats.recordRequest(
        request.routeOptions.url ?? pathOf(request.url),
        request.headers.host,
        request.raw.url ?? '',
      );
    }
    done();
  });

  registerControlRoutes(app, state);

  app.register(async (v2) => {
    v2.addHook('onRequest', createGuard(state));
    registerAuthenticationRoutes(v2, state);
    registerUserReadRoutes(v2);
    registerUserSearchRoutes(v2);
    registerUserWriteRoutes(v2, state);
    registerNotifyRoutes(v2);
    registerPermissionTemplateRoutes(v2);
    registerSalesGroupRoutes(v2, state);
    registerTeamRoutes(v2);
    registerAvailabilityRoutes(v2);
  });

  return app;
}
