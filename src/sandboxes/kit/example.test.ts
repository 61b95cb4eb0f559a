/**
 * The worked example of docs/emulators.md ("Acme CRM"), kept here so it keeps compiling and working:
 * OAuth with rotating refresh tokens, offset paging, two rate-limit windows counted per account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthBearer } from './auth.ts';
import { type Emulator, startEmulator } from './emulator.ts';
import { createOAuthServer } from './oauth/server.ts';
import { nextPageUrl, offsetSlice, queryValue, readPageSize } from './paging.ts';
import { generatePeople } from './people.ts';
import { combineHeaders, retryAfterHeader, xRateLimitHeaders } from './rate-limit.ts';
import { authorize, authorizeUrl, getJson, type HttpResult, postForm } from './testing.ts';

class AcmeError extends Error {}

async function startAcmeSandbox(
  options: { port?: number; users?: number; seed?: number } = {},
): Promise<Emulator> {
  const people = generatePeople({ seed: options.seed ?? 42, count: options.users ?? 500 });
  const users = [...people].map((p) => ({
    id: 1000 + p.index,
    name: `${p.firstName} ${p.lastName}`,
    email: p.email,
    active_flag: p.active,
    is_bot: !p.human,
    created: new Date(p.createdAt).toISOString(),
  }));
  const oauth = createOAuthServer({
    paths: { authorize: '/oauth/authorize', token: '/oauth/token', revoke: '/oauth/revoke' },
    clients: [{ clientId: 'acme-client', clientSecret: 'acme-secret', redirectUris: 'any' }],
    accounts: [{ id: 'company-1', name: 'Acme Inc.' }],
    clientAuth: 'basic',
    refreshTokens: 'rotating',
    accessTokenLifetime: 3599,
    tokenResponse: (body, grant) => ({ ...body, api_domain: `https://${grant.account}.acme.test` }),
  });
  return startEmulator(
    {
      name: 'Acme',
      authenticators: [oauthBearer(oauth, 'account')],
      unauthorized: () => ({ body: { success: false, error: 'unauthorized access', errorCode: 401 } }),
      oauth,
      rateLimit: {
        windows: [
          { name: 'burst', limit: 80, windowMs: 2000 },
          { name: 'daily', limit: 10_000, windowMs: 86_400_000 },
        ],
        headers: combineHeaders(xRateLimitHeaders({ window: 'burst', reset: 'seconds' }), retryAfterHeader()),
        body: (decision) => ({
          success: false,
          error: `Request over limit (${decision.exceeded?.name})`,
          errorCode: 429,
        }),
      },
      routes: (app) => {
        app.setErrorHandler((error: Error, _request, reply) =>
          reply.code(400).send({ success: false, error: error.message, errorCode: 400 }),
        );
        app.get('/v1/users', async (request) => {
          const q = request.query as Record<string, string>;
          const limit = readPageSize(
            queryValue(q.limit),
            { default: 100, max: 100 },
            (p) => new AcmeError(`limit: ${p.kind}`),
          );
          const page = offsetSlice(users, Number(q.start ?? 0), limit);
          return {
            success: true,
            data: page.items,
            additional_data: {
              more_items: page.nextOffset !== undefined,
              next:
                page.nextOffset === undefined
                  ? null
                  : nextPageUrl(request, { start: String(page.nextOffset) }),
            },
          };
        });
      },
    },
    { port: options.port },
  );
}

describe('the worked example', () => {
  let acme: Emulator;
  beforeAll(async () => {
    acme = await startAcmeSandbox({ users: 250 });
  });
  afterAll(() => acme.close());

  it('installs, pages every user, and counts calls per account', async () => {
    const redirect = await authorize(
      authorizeUrl(acme.url, '/oauth/authorize', {
        response_type: 'code',
        client_id: 'acme-client',
        redirect_uri: 'http://localhost/cb',
        state: 's',
      }),
    );
    const tokens = await postForm(
      `${acme.url}/oauth/token`,
      {
        grant_type: 'authorization_code',
        code: redirect.searchParams.get('code')!,
        redirect_uri: 'http://localhost/cb',
      },
      { basic: { id: 'acme-client', secret: 'acme-secret' } },
    );
    expect(tokens.json).toMatchObject({ api_domain: 'https://company-1.acme.test', expires_in: 3599 });
    const auth = { authorization: `Bearer ${tokens.json.access_token}` };
    let next: string | null = `${acme.url}/v1/users?limit=100`;
    let seen = 0;
    while (next) {
      const page: HttpResult<{ data: unknown[]; additional_data: { next: string | null } }> = await getJson<{
        data: unknown[];
        additional_data: { next: string | null };
      }>(next, auth);
      expect(page.headers.get('x-ratelimit-limit')).toBe('80');
      seen += page.json.data.length;
      next = page.json.additional_data.next;
    }
    expect(seen).toBe(250);
    expect((await getJson(`${acme.url}/v1/users?limit=101`, auth)).json).toMatchObject({
      error: 'limit: too-large',
    });
    expect(acme.control.stats().keys['company-1'].maxInWindow).toEqual({ burst: 4, daily: 4 });
    acme.control.oauth!.expireAccessTokens();
    expect((await getJson(`${acme.url}/v1/users`, auth)).json).toMatchObject({ errorCode: 401 });
  });
});
