/**
 * The Fastify application: logging with redaction, `qs` query parsing, request ids, bearer auth, one error
 * envelope for every failure, metrics, and the route groups (one file each under `routes/`).
 */
import type { Writable } from 'node:stream';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import qs from 'qs';
import { envelope, SwitchboardError } from '../errors.ts';
import type { Services } from '../services.ts';
import { authenticate } from './auth.ts';
import { clientErrorHandler, frameworkErrors } from './early-errors.ts';
import { refusesNul, registerJsonParser } from './json-body.ts';
import { redactedLogPaths } from './log-redaction.ts';
import { redactUrl } from './log-url.ts';
import { registerMetrics } from './metrics.ts';
import { registerAsyncRequestRoutes } from './routes/async-requests.ts';
import { registerConnectRoutes } from './routes/connect.ts';
import { registerDocsRoutes } from './routes/docs.ts';
import { registerEnvironmentIntegrationRoutes } from './routes/environment-integrations.ts';
import { registerEnvironmentRoutes } from './routes/environments.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerIntegratedAccountRoutes } from './routes/integrated-accounts.ts';
import { registerMetaRoutes } from './routes/meta.ts';
import { registerProxyRoutes } from './routes/proxy.ts';
import { registerReportRoutes } from './routes/reports.ts';
import { registerSyncRoutes } from './routes/sync.ts';
import { registerUnifiedRoutes } from './routes/unified.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    environmentId: string;
    /** The request's API token is an admin token (environment administration). */
    isAdmin: boolean;
  }
  interface FastifyContextConfig {
    /** Reachable without a bearer token (health, metrics, docs, hosted link pages). */
    public?: boolean;
  }
}

/** What a client's request id may be: at most 128 visible ASCII characters from a safe set. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `x-request-id` if it is plain enough to echo and log (a repeated header arrives joined by ", "). */
function clientRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : undefined;
}

export interface AppOptions {
  services: Services;
  /** Log destination (tests capture it to prove secrets never appear). */
  logStream?: Writable;
}

export async function buildApp({ services, logStream }: AppOptions): Promise<App> {
  const { config } = services;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: redactedLogPaths(), censor: '[redacted]' },
      ...(logStream ? { stream: logStream } : {}),
    },
    // One log line per request (written in onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    clientErrorHandler,
    frameworkErrors,
    routerOptions: {
      // Truto clients send `a[]=x` (Python SDK) and `a[0]=x` (TS SDK); qs reads both.
      querystringParser: (s: string) => qs.parse(s, { depth: 5, arrayLimit: 1000, parameterLimit: 2000 }),
      ignoreTrailingSlash: true,
    },
    // A client's x-request-id is echoed and logged, so only a short plain one is kept (see clientRequestId).
    requestIdHeader: false,
    genReqId: (req) => clientRequestId(req.headers['x-request-id']) ?? crypto.randomUUID(),
    // Client-supplied X-Forwarded-* would otherwise set request.ip and request.protocol (the URLs the server
    // hands out never depend on request headers: see services.publicUrl()).
    trustProxy: config.trustProxy,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  registerJsonParser(app as unknown as FastifyInstance);
  app.decorateRequest('environmentId', '');
  app.decorateRequest('isAdmin', false);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (refusesNul(request.url)) {
      throw new SwitchboardError('INVALID_REQUEST', 'the URL holds a NUL character (%00)');
    }
  });
  app.addHook('onRequest', authenticate(services));
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: redactUrl(request.url),
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });

  app.setErrorHandler((error: FastifyError | SwitchboardError, request, reply) => {
    if (error instanceof SwitchboardError) {
      if (error.statusCode >= 500)
        request.log.warn({ error_code: error.code, msg: error.message }, 'upstream failure');
      if (error.extras.headers) reply.headers(error.extras.headers);
      return reply.code(error.statusCode).send(error.toJSON());
    }
    const { status, code, message } = classify(error);
    if (status >= 500) {
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).send(envelope(500, 'INTERNAL', `internal error (request id ${request.id})`));
    }
    return reply.code(status).send(envelope(status, code, message));
  });
  app.setNotFoundHandler({ preHandler: undefined }, (request, reply) => {
    reply
      .code(404)
      .send(envelope(404, 'ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  // Per-IP limits, on the routes that ask for one (the public connect endpoints); per instance, in memory.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new SwitchboardError(
        'RATE_LIMITED',
        `too many requests from this address; retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s`,
        { headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) } },
      ),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard API',
        version: '0.1.0',
        description: 'Unified API for SaaS user directories and CRMs, wire-compatible with Truto.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  registerMetrics(app, services);
  registerHealthRoutes(app, services);
  registerDocsRoutes(app);
  registerEnvironmentRoutes(app, services);
  registerIntegratedAccountRoutes(app, services);
  registerEnvironmentIntegrationRoutes(app, services);
  registerWebhookRoutes(app, services);
  registerConnectRoutes(app, services);
  registerMetaRoutes(app, services);
  registerUnifiedRoutes(app, services);
  registerProxyRoutes(app, services);
  registerAsyncRequestRoutes(app, services);
  registerSyncRoutes(app, services);
  registerReportRoutes(app, services);
  return app;
}

function classify(error: FastifyError): {
  status: number;
  code: Parameters<typeof envelope>[1];
  message: string;
} {
  if (error.validation) return { status: 400, code: 'INVALID_REQUEST', message: error.message };
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: 'BODY_TOO_LARGE',
        message: 'request body is larger than the server accepts',
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'send JSON (content-type: application/json)',
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'INVALID_JSON', message: `malformed JSON body: ${error.message}` };
  }
  if (error instanceof SyntaxError)
    return { status: 400, code: 'INVALID_JSON', message: `malformed JSON body: ${error.message}` };
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return { status, code: 'INVALID_REQUEST', message: error.message };
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}
