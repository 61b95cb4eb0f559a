/** The Attio sandbox over real HTTP, checked against Attio's documented workspace members, errors, limits and OAuth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, getJson, postForm } from '../kit/testing.ts';
import { type AttioSandbox, startAttioSandbox, type WorkspaceMember } from './index.ts';

const ATTIO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;
const REDIRECT = 'http://localhost:3000/callback';
let sandbox: AttioSandbox;

const call = <T = Record<string, unknown>>(
  path: string,
  authorization: string | null = `Bearer ${sandbox.apiKey}`,
) => getJson<T>(`${sandbox.url}${path}`, authorization ? { authorization } : {});

beforeAll(async () => {
  sandbox = await startAttioSandbox({ users: 60, seed: 8, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('refuses a missing or unknown token with Attio’s error body', async () => {
    for (const authorization of [null, 'Bearer nope']) {
      const res = await call('/v2/workspace_members', authorization);
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({
        status_code: 401,
        type: 'authentication_error',
        code: expect.any(String),
      });
    }
  });

  it('takes the token with HTTP Basic as well, and refuses a token without user_management:read', async () => {
    const basic = `Basic ${Buffer.from(`${sandbox.apiKey}:`).toString('base64')}`;
    expect((await call('/v2/workspace_members', basic)).status).toBe(200);
    const narrow = sandbox.control.oauth.issueTokens({ scopes: ['record_permission:read'] });
    const res = await call('/v2/workspace_members', `Bearer ${narrow.accessToken}`);
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({
      status_code: 403,
      message: expect.stringContaining('user_management:read'),
    });
  });

  it('describes a token at /v2/self, and says active: false for an unknown one', async () => {
    expect((await call('/v2/self')).json).toMatchObject({
      active: true,
      workspace_id: sandbox.workspaceId,
      scope: expect.stringContaining('user_management:read'),
    });
    const unknown = await call('/v2/self', 'Bearer nope');
    expect(unknown.status).toBe(200);
    expect(unknown.json).toEqual({ active: false });
  });
});

describe('workspace members', () => {
  it('lists every member at once, the docs’ example first, suspended ones included', async () => {
    const res = await call<{ data: WorkspaceMember[] }>('/v2/workspace_members?limit=5');
    expect(res.json.data).toHaveLength(61);
    expect(res.json.data).toEqual(sandbox.control.list());
    expect(res.json.data[0]).toMatchObject({
      first_name: 'Susan',
      last_name: 'Kare',
      access_level: 'member',
    });
    expect(new Set(res.json.data.map((m) => m.access_level))).toEqual(
      new Set(['admin', 'member', 'suspended']),
    );
    for (const member of res.json.data) {
      expect(member.created_at).toMatch(ATTIO_TIME);
      expect(member.id.workspace_id).toBe(sandbox.workspaceId);
    }
  });

  it('gets one member, 404s an unknown id and 400s a malformed one', async () => {
    const member = sandbox.control.list()[7]!;
    const got = await call(`/v2/workspace_members/${member.id.workspace_member_id}`);
    expect(got.json).toEqual({ data: member });
    const missing = await call('/v2/workspace_members/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ status_code: 404, code: 'not_found' });
    expect((await call('/v2/workspace_members/999999991')).status).toBe(400);
  });
});

describe('control routes', () => {
  it('lists members and suspends one over HTTP, refusing an unknown access level', async () => {
    const members = (await getJson<unknown[]>(`${sandbox.url}/__sandbox/members`)).json;
    expect(members).toEqual(sandbox.control.list());
    const id = sandbox.control.list()[2]!.id.workspace_member_id;
    const set = (access_level: string) =>
      postForm(`${sandbox.url}/__sandbox/members/${id}/access-level`, { access_level }, { json: true });
    expect((await set('suspended')).json).toMatchObject({ access_level: 'suspended' });
    expect((await set('owner')).status).toBe(400);
    sandbox.control.setAccessLevel(id, 'member');
  });
});

describe('rate limits', () => {
  it('answers 429 with Attio’s body and Retry-After as an HTTP date', async () => {
    const limited = await startAttioSandbox({ users: 2, rateLimit: { calls: 2, windowMs: 1000 } });
    try {
      const get = () =>
        fetch(`${limited.url}/v2/workspace_members`, {
          headers: { authorization: `Bearer ${limited.apiKey}` },
        });
      await get();
      await get();
      const refused = await get();
      expect(refused.status).toBe(429);
      const retryAfter = refused.headers.get('retry-after')!;
      expect(retryAfter).toMatch(/GMT$/);
      expect(Date.parse(retryAfter)).toBeGreaterThan(Date.now() - 1000);
      expect(await refused.json()).toEqual({
        status_code: 429,
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        message: 'Rate limit exceeded, please try again later',
      });
    } finally {
      await limited.close();
    }
  });
});

describe('OAuth', () => {
  it('exchanges a code for a non-expiring token and nothing else; there is no refresh grant', async () => {
    const redirect = await authorize(
      authorizeUrl(sandbox.url, '/authorize', {
        client_id: sandbox.oauth.clientId,
        response_type: 'code',
        redirect_uri: REDIRECT,
        state: 'st',
      }),
    );
    const client = { client_id: sandbox.oauth.clientId, client_secret: sandbox.oauth.clientSecret };
    const tokens = await postForm(sandbox.oauth.tokenUrl, {
      ...client,
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code')!,
      redirect_uri: REDIRECT,
    });
    expect(tokens.json).toEqual({
      access_token: expect.stringMatching(/^[0-9a-f]{64}$/),
      token_type: 'Bearer',
    });
    expect((await call('/v2/workspace_members', `Bearer ${tokens.json.access_token}`)).status).toBe(200);
    const refresh = await postForm(sandbox.oauth.tokenUrl, {
      ...client,
      grant_type: 'refresh_token',
      refresh_token: 'x',
    });
    expect(refresh.status).toBe(400);
  });
});
