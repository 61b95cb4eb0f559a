/**
 * The connect flow's routes. Public (no API token), each authenticated by the link token, which travels
 * only in an `Authorization: Bearer` header (or the JSON body), never in a URL:
 * - `GET /connect` — the hosted page (static shell; its script reads the token from the URL fragment);
 * - `GET /connect/assets/:file` — the page's stylesheet and script;
 * - `GET /connect/session` — what the page shows for a token (checked on every step);
 * - `POST /connect/link` — validate the entered credentials with the vendor, then link the account;
 * - `GET /link-sdk.js` — `SwitchboardLink.authenticate(linkToken, { baseUrl })` for product front-ends.
 * Also registers `POST /link-token` (API token), which mints the tokens.
 */
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConnectFlow } from '../../connect/flow.ts';
import { LinkTokens } from '../../connect/link-tokens.ts';
import { CALLBACK_PATH, OAuthFlow } from '../../connect/oauth-flow.ts';
import { ASSETS, LINK_SDK, PAGE_HTML, PAGE_SECURITY_HEADERS } from '../../connect/page.ts';
import { SwitchboardError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { App } from '../app.ts';
import { registerLinkTokenRoutes } from './link-token.ts';

const tags = ['connect (hosted page)'];
const API_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function linkToken(request: FastifyRequest, body?: { link_token?: string }): string {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  const token = match?.[1] ?? body?.link_token;
  if (!token) {
    throw new SwitchboardError(
      'UNAUTHORIZED',
      'send the link token as "Authorization: Bearer <link token>"',
      {
        details: { error_type: 'invalid_token', reason: 'missing' },
      },
    );
  }
  return token;
}

function sendAsset(
  request: FastifyRequest,
  reply: FastifyReply,
  asset: { body: string; type: string; etag: string },
) {
  reply.header('etag', asset.etag).header('x-content-type-options', 'nosniff');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.type(asset.type).send(asset.body);
}

export function registerConnectRoutes(app: App, services: Services): void {
  const linkTokens = new LinkTokens({ db: services.db, keyring: services.keyring });
  const flow = new ConnectFlow({
    db: services.db,
    keyring: services.keyring,
    accounts: services.accounts,
    linkTokens,
    environmentIntegrations: services.environmentIntegrations,
    allowedUpstreamOrigins: services.config.allowedUpstreamOrigins,
    sandboxOrigins: services.config.connectSandboxes ? services.config.allowedUpstreamOrigins : [],
  });
  const oauth = new OAuthFlow({
    db: services.db,
    keyring: services.keyring,
    linkTokens,
    flow,
    environmentIntegrations: services.environmentIntegrations,
    allowedUpstreamOrigins: services.config.allowedUpstreamOrigins,
    publicUrl: () => services.publicUrl(),
  });
  registerLinkTokenRoutes(app, services, linkTokens);

  const hidden = { config: { public: true }, schema: { hide: true } };
  /** Public endpoints that reach the database or a vendor share one budget per client IP. */
  const perIpLimit = app.rateLimit({ max: services.config.connectRateLimit, timeWindow: 60_000 });

  app.get('/connect', hidden, async (_request, reply) => {
    reply.headers(PAGE_SECURITY_HEADERS);
    return reply.type('text/html; charset=utf-8').send(PAGE_HTML);
  });

  app.get<{ Params: { file: string } }>('/connect/assets/:file', hidden, async (request, reply) => {
    const asset = Object.hasOwn(ASSETS, request.params.file) ? ASSETS[request.params.file] : undefined;
    if (!asset) throw new SwitchboardError('ROUTE_NOT_FOUND', `no asset ${request.params.file}`);
    reply.header('cache-control', 'public, max-age=86400');
    return sendAsset(request, reply, asset);
  });

  app.get('/link-sdk.js', hidden, async (request, reply) => {
    reply
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin');
    return sendAsset(request, reply, LINK_SDK);
  });

  app.get(
    '/connect/session',
    {
      config: { public: true },
      onRequest: perIpLimit,
      schema: {
        tags,
        summary: 'What the hosted page shows for a link token (Authorization: Bearer <link token>)',
      },
    },
    async (request, reply) => {
      reply.headers(API_HEADERS);
      return flow.session(linkToken(request));
    },
  );

  app.post(
    '/connect/link',
    {
      config: { public: true },
      onRequest: perIpLimit,
      schema: {
        tags,
        summary: 'Validate the entered credentials with the vendor and link the account (link token)',
        body: Type.Object({
          link_token: Type.Optional(Type.String({ maxLength: 200 })),
          integration: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          context: Type.Record(Type.String(), Type.Unknown()),
        }),
      },
    },
    async (request, reply) => {
      reply.headers(API_HEADERS);
      const result = await flow.link(linkToken(request, request.body), {
        integration: request.body.integration,
        context: request.body.context,
      });
      return reply.code(result.reconnected ? 200 : 201).send(result);
    },
  );

  app.post(
    '/connect/oauth/start',
    {
      config: { public: true },
      onRequest: perIpLimit,
      schema: {
        tags,
        summary:
          'The vendor authorize URL for an OAuth integration (link token); client credentials link at once',
        body: Type.Object(
          {
            link_token: Type.Optional(Type.String({ maxLength: 200 })),
            integration: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      reply.headers(API_HEADERS);
      const started = await oauth.start(linkToken(request, request.body), {
        integration: request.body.integration,
        context: request.body.context,
      });
      if ('authorize_url' in started) return started;
      return reply.code(started.reconnected ? 200 : 201).send(started);
    },
  );

  app.get(
    CALLBACK_PATH,
    {
      config: { public: true },
      onRequest: perIpLimit,
      schema: {
        tags,
        summary: 'Where vendors redirect after the customer approves (code and state)',
        querystring: Type.Object(
          {
            code: Type.Optional(Type.String({ maxLength: 4000 })),
            state: Type.Optional(Type.String({ maxLength: 200 })),
            error: Type.Optional(Type.String({ maxLength: 200 })),
            error_description: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      const handle = await oauth.callback(request.query);
      reply.headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
      if (!handle) {
        reply.headers(PAGE_SECURITY_HEADERS);
        return reply.code(400).type('text/html; charset=utf-8').send(EXPIRED_OAUTH_PAGE);
      }
      // The handle travels in the fragment: it never reaches a server log or a Referer.
      return reply.redirect(`/connect#oauth_result=${handle}`, 303);
    },
  );

  app.get(
    '/connect/oauth/result',
    {
      config: { public: true },
      onRequest: perIpLimit,
      schema: { tags, summary: 'The outcome of an OAuth link (Authorization: Bearer <result handle>)' },
    },
    async (request, reply) => {
      reply.headers(API_HEADERS);
      const header = request.headers.authorization;
      const handle = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
      if (!handle)
        throw new SwitchboardError(
          'UNAUTHORIZED',
          'send the result handle as "Authorization: Bearer <handle>"',
        );
      const outcome = await oauth.result(handle);
      return reply.code(outcome.status).send(outcome.body);
    },
  );
}

/** Shown when a vendor redirects back with a state Switchboard does not know (expired, used or forged). */
const EXPIRED_OAUTH_PAGE =
  '<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
  '<title>Sign-in expired</title><main><h1>This sign-in has expired</h1>' +
  '<p>Go back to the app that sent you here and start connecting again.</p></main></html>';
