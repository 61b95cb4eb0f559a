/** The OnePageCRM sandbox over real HTTP, checked against OnePageCRM's v3 users API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson } from '../kit/testing.ts';
import { DOCS_EXAMPLE_USER, type OnePageCrmSandbox, startOnePageCrmSandbox } from './index.ts';

let sandbox: OnePageCrmSandbox;

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const call = (path: string, headers = basic(sandbox.userId, sandbox.apiKey)) =>
  getJson(`${sandbox.url}${path}`, headers);

beforeAll(async () => {
  sandbox = await startOnePageCrmSandbox({ users: 30, seed: 5, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('answers missing credentials with 401 authorization_data_not_found', async () => {
    const { status, json } = await call('/api/v3/users', {} as ReturnType<typeof basic>);
    expect(status).toBe(401);
    expect(json).toEqual({
      status: 401,
      message: 'Authorization data not found',
      error_name: 'authorization_data_not_found',
      error_message: 'Cannot find suitable authorization data or data provided is not complete.',
      errors: {},
    });
  });

  it('refuses a wrong key, and the right key once it is revoked (control over HTTP)', async () => {
    const wrong = await call('/api/v3/users', basic(sandbox.userId, 'not-the-key'));
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ status: 401, error_name: 'invalid_login_details' });
    const other = await startOnePageCrmSandbox({ users: 2, rateLimit: null });
    try {
      const headers = basic(other.userId, other.apiKey);
      expect((await getJson(`${other.url}/api/v3/users`, headers)).status).toBe(200);
      expect((await getJson(`${other.url}/__sandbox/users`)).json).toEqual(other.control.list());
      const revoked = await fetch(`${other.url}/__sandbox/revoke-api-key`, { method: 'POST' });
      expect(await revoked.json()).toEqual({ ok: true });
      expect((await getJson(`${other.url}/api/v3/users`, headers)).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('GET /api/v3/users', () => {
  it('returns the whole team unpaginated in the {status, message, timestamp, data:[{user}]} envelope', async () => {
    const { status, json } = await call('/api/v3/users?page=2&per_page=1');
    expect(status).toBe(200);
    const body = json as { status: number; message: string; timestamp: number; data: { user: unknown }[] };
    expect(body.status).toBe(0);
    expect(body.message).toBe('OK');
    expect(Math.abs(body.timestamp - Date.now() / 1000)).toBeLessThan(5);
    expect(body.data).toHaveLength(30);
    expect(body.data.map((d) => d.user)).toEqual(sandbox.control.list());
  });

  it('shows bcc_email and google_contacts_email on the API user’s own record only', async () => {
    const users = sandbox.control.list();
    expect(users[0]).toEqual(DOCS_EXAMPLE_USER);
    for (const user of users.slice(1)) {
      expect(user).not.toHaveProperty('bcc_email');
      expect(user).not.toHaveProperty('google_contacts_email');
      expect(user.id).toMatch(/^[0-9a-f]{24}$/);
      expect(user.account_rights).toEqual(expect.any(Array));
    }
  });

  it('serves the .json form of the path too', async () => {
    expect((await call('/api/v3/users.json')).json).toEqual((await call('/api/v3/users')).json);
  });
});

describe('GET /api/v3/users/{user_id}', () => {
  it('returns one user in data.user, and 404 with the error envelope for an unknown id', async () => {
    const target = sandbox.control.list()[4]!;
    expect((await call(`/api/v3/users/${target.id}`)).json).toMatchObject({
      status: 0,
      data: { user: target },
    });
    const missing = await call('/api/v3/users/5aba31e99007ba0f570c0000');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ status: 404, error_name: 'resource_not_found' });
  });
});

describe('throttle', () => {
  it('answers a burst over 10 a second with 403 and a plain-text body, per client IP', async () => {
    const limited = await startOnePageCrmSandbox({ users: 2 });
    try {
      const headers = basic(limited.userId, limited.apiKey);
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => fetch(`${limited.url}/api/v3/users`, { headers })),
      );
      const refused = answers.filter((r) => r.status === 403);
      expect(answers.filter((r) => r.status === 200)).toHaveLength(10);
      expect(refused).toHaveLength(2);
      expect(refused[0]!.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await refused[0]!.text()).toBe('403 Forbidden (Rate Limit Exceeded)\n');
      expect(limited.control.stats().rateLimited).toBe(2);
    } finally {
      await limited.close();
    }
  });
});
