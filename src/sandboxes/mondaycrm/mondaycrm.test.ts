/** The monday.com sandbox over real HTTP: GraphQL validation, users paging and filters, auth, OAuth, limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, postForm } from '../kit/testing.ts';
import { type MondaySandbox, startMondaySandbox } from './index.ts';

let sandbox: MondaySandbox;

async function gql(
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null = sandbox.token,
  url = sandbox.url,
) {
  const res = await fetch(`${url}/v2`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: token }) },
    body: JSON.stringify({ query, variables }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are whatever was selected
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

beforeAll(async () => {
  sandbox = await startMondaySandbox({ users: 150, seed: 11, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('takes the token bare in Authorization, and refuses a missing, unknown or Bearer-prefixed one with 401', async () => {
    expect((await gql('{ me { id } }')).status).toBe(200);
    for (const token of [null, 'nope', `Bearer ${sandbox.token}`]) {
      const { status, body } = await gql('{ me { id } }', {}, token);
      expect(status).toBe(401);
      expect(body).toMatchObject({
        errors: [{ message: 'Not Authenticated', extensions: { code: 'UNAUTHENTICATED' } }],
      });
    }
  });

  it('refuses users to an app token without users:read, with monday’s missing-permissions error', async () => {
    const { accessToken } = sandbox.control.oauth.issueTokens({ scopes: ['me:read'], refresh: false });
    expect((await gql('{ me { id } }', {}, accessToken)).status).toBe(200);
    const { status, body } = await gql('{ users { id } }', {}, accessToken);
    expect(status).toBe(403);
    expect(body.errors[0].extensions).toMatchObject({
      code: 'missingRequiredPermissions',
      error_data: { missing_permissions: ['users:read'] },
    });
  });
});

describe('GraphQL', () => {
  it('answers invalid queries with HTTP 200, graphql-js messages and locations, and no data', async () => {
    const unknownField = await gql('query {\n  users { id shoe_size }\n}');
    expect(unknownField.status).toBe(200);
    expect(unknownField.body).toEqual({
      errors: [
        {
          message: 'Cannot query field "shoe_size" on type "User".',
          locations: [{ line: 2, column: 14 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
      account_id: sandbox.accountId,
    });
    const unknownArg = await gql('{ users(size: 3) { id } }');
    expect(unknownArg.body.errors[0].message).toBe('Unknown argument "size" on field "Query.users".');
    const missing = await gql('query ($page: Int!) { users(page: $page, limit: 5) { id } }');
    expect(missing.body.errors[0].message).toBe('Variable "$page" of required type "Int!" was not provided.');
    const badEnum = await gql('{ users(kind: robots) { id } }');
    expect(badEnum.body.errors[0].message).toContain('UserKind');
    const syntax = await gql('{ users { id }');
    expect(syntax.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const noSelection = await gql('{ users }');
    expect(noSelection.body.errors[0].message).toContain('must have a selection of subfields');
  });

  it('refuses a limit over 1000, accepts 1000', async () => {
    const over = await gql('{ users(limit: 1001) { id } }');
    expect(over.status).toBe(200);
    expect(over.body.errors[0].extensions.code).toBe('INVALID_ARGUMENT');
    expect((await gql('{ users(limit: 1000) { id } }')).body.data.users.length).toBeGreaterThan(100);
  });
});

describe('users', () => {
  const enabled = () => sandbox.control.list().filter((u) => u.enabled);

  it('pages by limit/page over enabled users only, and returns string ids and second-precision dates', async () => {
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const { body } = await gql('query ($p: Int!) { users(limit: 40, page: $p) { id created_at } }', {
        p: page,
      });
      seen.push(...body.data.users.map((u: { id: string }) => u.id));
      for (const u of body.data.users) expect(u.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      if (body.data.users.length < 40) break;
    }
    expect(seen).toEqual(enabled().map((u) => u.id));
  });

  it('lists only deactivated users with non_active: true, and narrows by emails, kind and a fuzzy name', async () => {
    const inactive = (await gql('{ users(non_active: true) { id enabled } }')).body.data.users;
    expect(inactive.length).toBeGreaterThan(0);
    expect(inactive.every((u: { enabled: boolean }) => !u.enabled)).toBe(true);
    const target = enabled()[3]!;
    const byEmail = await gql('query ($e: [String]) { users(emails: $e) { id } }', {
      e: [target.email!.toUpperCase()],
    });
    expect(byEmail.body.data.users).toEqual([{ id: target.id }]);
    const guests = (await gql('{ users(kind: guests) { is_guest } }')).body.data.users;
    expect(guests.length).toBeGreaterThan(0);
    expect(guests.every((u: { is_guest: boolean }) => u.is_guest)).toBe(true);
    const fuzzy = (await gql(`{ users(name: "${target.name!.slice(1, 5).toLowerCase()}") { id } }`)).body.data
      .users;
    expect(fuzzy.map((u: { id: string }) => u.id)).toContain(target.id);
  });

  it('serves the docs’ example user with its profile url, and me as an admin', async () => {
    const { body } = await gql(
      '{ users(ids: [12345678]) { id name email url created_at join_date } me { is_admin } }',
    );
    expect(body.data.users).toEqual([
      {
        id: '12345678',
        name: 'Dana Levi',
        email: 'dana@acme.com',
        url: 'https://acme.monday.com/users/12345678',
        created_at: '2023-05-01T09:00:00Z',
        join_date: '2023-05-01',
      },
    ]);
    expect(body.data.me.is_admin).toBe(true);
    expect(body.account_id).toBe(sandbox.accountId);
  });
});

describe('OAuth', () => {
  it('exchanges a code for a token that never expires and comes without a refresh token', async () => {
    const redirect = await authorize(
      authorizeUrl(sandbox.url, '/oauth2/authorize', {
        client_id: sandbox.oauth.clientId,
        redirect_uri: 'http://localhost/cb',
        scope: 'users:read me:read',
        response_type: 'code',
      }),
    );
    const tokens = await postForm<Record<string, string>>(sandbox.oauth.tokenUrl, {
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      code: redirect.searchParams.get('code')!,
      redirect_uri: 'http://localhost/cb',
      grant_type: 'authorization_code',
    });
    expect(tokens.json).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      scope: 'users:read me:read',
    });
    expect((await gql('{ users(limit: 1) { id } }', {}, tokens.json.access_token!)).status).toBe(200);
  });
});

describe('limits', () => {
  it('charges complexity per minute, reports it, and answers 429 COMPLEXITY_BUDGET_EXHAUSTED past the budget', async () => {
    const small = await startMondaySandbox({
      users: 5,
      rateLimit: null,
      complexityBudget: { personal: 3000, app: 3000 },
    });
    try {
      const first = await gql(
        '{ complexity { before query after } users(limit: 100) { id name } }',
        {},
        small.token,
        small.url,
      );
      expect(first.body.data.complexity).toEqual({ before: 3000, query: 210, after: 2790 });
      const heavy = await gql('{ users(limit: 1000) { id name email } }', {}, small.token, small.url);
      expect(heavy.status).toBe(429);
      expect(Number(heavy.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(heavy.body.errors[0].extensions).toMatchObject({
        code: 'COMPLEXITY_BUDGET_EXHAUSTED',
        complexity_budget_left: 2790,
      });
    } finally {
      await small.close();
    }
  });

  it('answers 429 DAILY_LIMIT_EXCEEDED past the daily calls', async () => {
    const daily = await startMondaySandbox({ users: 3, rateLimit: { perMinute: 100, perDay: 2 } });
    try {
      expect((await gql('{ me { id } }', {}, daily.token, daily.url)).status).toBe(200);
      expect((await gql('{ me { id } }', {}, daily.token, daily.url)).status).toBe(200);
      const refused = await gql('{ me { id } }', {}, daily.token, daily.url);
      expect(refused.status).toBe(429);
      expect(refused.body.errors[0].extensions.code).toBe('DAILY_LIMIT_EXCEEDED');
    } finally {
      await daily.close();
    }
  });
});
