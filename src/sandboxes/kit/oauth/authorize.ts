/**
 * The authorize endpoint (RFC 6749 §4.1.1–4.1.2, RFC 7636 §4.3): GET validates the request and shows the
 * consent page (or, with autoApprove, redirects at once with a code); the page's form POSTs the user's
 * decision back to the same path. An unknown client or an unregistered redirect_uri gets an error page,
 * never a redirect; every later problem is redirected to the client with `error` and `state`.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseScopes } from './client-auth.ts';
import { consentPage, errorPage } from './consent-page.ts';
import '../request-context.ts';
import type { OAuthServer } from './server.ts';
import type { OAuthClient } from './types.ts';

interface PendingAuthorization {
  client: OAuthClient;
  redirectUri: string;
  /** As sent to authorize; the token request must repeat it (RFC 6749 §4.1.3). */
  sentRedirectUri: string | undefined;
  state: string | undefined;
  scopes: string[];
  challenge?: { value: string; method: 'S256' | 'plain' };
  expiresAt: number;
}

/** How long a consent page stays answerable. */
const PENDING_TTL_MS = 10 * 60_000;

type Query = Record<string, string | string[] | undefined>;

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function resolveRedirect(client: OAuthClient, sent: string | undefined): string | undefined {
  if (sent === undefined) {
    return client.redirectUris !== 'any' && client.redirectUris.length === 1
      ? client.redirectUris[0]
      : undefined;
  }
  if (client.redirectUris !== 'any') return client.redirectUris.includes(sent) ? sent : undefined;
  try {
    const url = new URL(sent);
    return url.hash === '' ? sent : undefined;
  } catch {
    return undefined;
  }
}

function redirectTo(
  reply: FastifyReply,
  uri: string,
  params: Record<string, string | undefined>,
): FastifyReply {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return reply.code(302).header('cache-control', 'no-store').redirect(url.toString(), 302);
}

export function registerAuthorizeRoutes(app: FastifyInstance, server: OAuthServer): void {
  const pending = new Map<string, PendingAuthorization>();
  const path = server.options.paths.authorize;
  const vendor = server.options.vendorName ?? 'Sandbox';
  const config = { kitRoute: 'oauth' as const };

  const issueAndRedirect = (reply: FastifyReply, request: PendingAuthorization, account: string) => {
    const code = server.store.issueCode({
      clientId: request.client.clientId,
      redirectUri: request.sentRedirectUri,
      scopes: request.scopes,
      account,
      challenge: request.challenge,
    });
    return redirectTo(reply, request.redirectUri, { code, state: request.state });
  };

  app.get(path, { config }, async (request, reply) => {
    const q = request.query as Query;
    const state = one(q.state);
    const client = server.clients.get(one(q.client_id) ?? '');
    const html = (message: string) =>
      reply.code(400).type('text/html; charset=utf-8').send(errorPage(vendor, message));
    if (!client) return html('Unknown client_id: this application is not registered.');
    const sentRedirect = one(q.redirect_uri);
    const redirectUri = resolveRedirect(client, sentRedirect);
    if (!redirectUri) return html('The redirect_uri is missing or not registered for this application.');
    const fail = (error: string, description: string) =>
      redirectTo(reply, redirectUri, { error, error_description: description, state });

    if (one(q.response_type) !== 'code')
      return fail('unsupported_response_type', 'response_type must be code');
    const pkce = server.options.pkce ?? 'optional';
    const challengeValue = one(q.code_challenge);
    const method = one(q.code_challenge_method) ?? 'plain';
    let challenge: PendingAuthorization['challenge'];
    if (pkce !== 'off' && challengeValue !== undefined) {
      if (method !== 'S256' && method !== 'plain')
        return fail('invalid_request', 'code_challenge_method must be S256 or plain');
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(challengeValue))
        return fail('invalid_request', 'code_challenge is malformed');
      challenge = { value: challengeValue, method };
    } else if (pkce === 'required') return fail('invalid_request', 'code_challenge is required');

    const authorization: PendingAuthorization = {
      client,
      redirectUri,
      sentRedirectUri: sentRedirect,
      state,
      scopes: parseScopes(one(q.scope)) ?? [...(server.options.defaultScopes ?? [])],
      challenge,
      expiresAt: Date.now() + PENDING_TTL_MS,
    };
    if (server.settings.autoApprove) {
      server.store.stats.consentsAllowed++;
      return issueAndRedirect(reply, authorization, server.accounts[0].id);
    }
    for (const [id, p] of pending) if (p.expiresAt <= Date.now()) pending.delete(id);
    const requestId = randomBytes(12).toString('base64url');
    pending.set(requestId, authorization);
    server.store.stats.consentsShown++;
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        consentPage({
          vendorName: vendor,
          clientName: client.name ?? client.clientId,
          scopes: authorization.scopes,
          accounts: server.accounts,
          action: path,
          requestId,
        }),
      );
  });

  app.post(path, { config }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string>;
    const authorization = pending.get(body.request_id ?? '');
    if (!authorization || authorization.expiresAt <= Date.now()) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(
          errorPage(vendor, 'This authorization request has expired or was already answered. Start again.'),
        );
    }
    pending.delete(body.request_id);
    if (body.decision !== 'allow') {
      server.store.stats.consentsDenied++;
      return redirectTo(reply, authorization.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied the request',
        state: authorization.state,
      });
    }
    server.store.stats.consentsAllowed++;
    const account = server.accounts.find((a) => a.id === body.account) ?? server.accounts[0];
    return issueAndRedirect(reply, authorization, account.id);
  });
}
