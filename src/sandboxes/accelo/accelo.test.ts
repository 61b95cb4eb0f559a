/** The Accelo sandbox over real HTTP, checked against Accelo's documented staff API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AcceloSandbox, type StaffView, startAcceloSandbox } from './index.ts';

let sandbox: AcceloSandbox;
let token: string;

interface Envelope<T = unknown> {
  meta: { status: string; message?: string; more_info?: string; response_code?: number };
  response: T;
}

async function call<T = unknown>(
  path: string,
  init: { token?: string | null; method?: string; body?: unknown } = {},
): Promise<{ status: number; headers: Headers; body: Envelope<T> }> {
  const bearer = init.token === undefined ? token : init.token;
  const res = await fetch(`${sandbox.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Envelope<T> };
}

beforeAll(async () => {
  sandbox = await startAcceloSandbox({ staff: 230, seed: 3, rateLimit: null });
  token = sandbox.control.oauth.issueTokens({ scopes: ['read(staff)'] }).accessToken;
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('answers a missing or unknown token with 401 invalid_client in the meta envelope', async () => {
    for (const bearer of [null, 'not-a-token']) {
      const { status, body } = await call('/api/v0/staff', { token: bearer });
      expect(status).toBe(401);
      expect(body).toEqual({
        meta: { status: 'invalid_client', message: expect.any(String), more_info: expect.any(String) },
        response: null,
      });
    }
  });

  it('takes `_bearer_token` instead of the header, but refuses both at once', async () => {
    const query = await call(`/api/v0/staff?_bearer_token=${token}`, { token: null });
    expect(query.status).toBe(200);
    const both = await call(`/api/v0/staff?_bearer_token=${token}`);
    expect(both.status).toBe(400);
    expect(both.body.meta.status).toBe('invalid_request');
  });

  it('refuses a token whose scopes do not cover staff with 403 invalid_permission', async () => {
    const other = sandbox.control.oauth.issueTokens({ scopes: ['read(companies)'] }).accessToken;
    const { status, body } = await call('/api/v0/staff', { token: other });
    expect(status).toBe(403);
    expect(body.meta.status).toBe('invalid_permission');
    const all = sandbox.control.oauth.issueTokens({ scopes: ['read(all)'] }).accessToken;
    expect((await call('/api/v0/staff', { token: all })).status).toBe(200);
  });

  it('moves the HTTP status into meta.response_code with _suppress_http_status', async () => {
    const { status, body } = await call('/api/v0/staff?_suppress_http_status=yes&_suppress_message=1', {
      token: null,
    });
    expect(status).toBe(200);
    expect(body).toEqual({ meta: { status: 'invalid_client', response_code: 401 }, response: null });
  });
});

describe('GET /api/v0/staff', () => {
  it('returns only id, firstname and surname unless _fields asks for more', async () => {
    const plain = await call<StaffView[]>('/api/v0/staff?_limit=3');
    expect(plain.body.meta).toMatchObject({ status: 'ok', message: 'Everything executed as expected.' });
    for (const s of plain.body.response)
      expect(Object.keys(s).sort()).toEqual(['firstname', 'id', 'surname']);
    const some = await call<StaffView[]>('/api/v0/staff?_limit=3&_fields=email,standing');
    expect(Object.keys(some.body.response[0]!).sort()).toEqual([
      'email',
      'firstname',
      'id',
      'standing',
      'surname',
    ]);
    const all = await call<StaffView[]>('/api/v0/staff?_limit=3&_fields=_ALL');
    expect(all.body.response).toEqual(sandbox.control.list().slice(0, 3));
    expect(all.body.response[0]).not.toHaveProperty('staff_rate');
  });

  it('pages by _page from 0 with _limit up to 100 (default 10), in id order, and refuses 101', async () => {
    expect((await call<StaffView[]>('/api/v0/staff')).body.response).toHaveLength(10);
    const seen: string[] = [];
    for (let page = 0; ; page++) {
      const { body } = await call<StaffView[]>(`/api/v0/staff?_page=${page}&_limit=100`);
      seen.push(...body.response.map((s) => s.id));
      if (body.response.length < 100) break;
    }
    expect(seen).toEqual(sandbox.control.list().map((s) => s.id));
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => a - b));
    const over = await call('/api/v0/staff?_limit=101');
    expect(over.status).toBe(400);
    expect(over.body.meta).toMatchObject({
      status: 'invalid_request',
      message: expect.stringContaining('100'),
    });
    const offset = await call<StaffView[]>('/api/v0/staff?_offset=5&_limit=2');
    expect(offset.body.response.map((s) => s.id)).toEqual(seen.slice(5, 7));
  });

  it('filters by standing in the query string, with _not and id ranges', async () => {
    const inactive = await call<StaffView[]>(
      '/api/v0/staff?_limit=100&_fields=standing&_filters=standing(inactive,lockout)',
    );
    const expected = sandbox.control.list().filter((s) => s.standing !== 'active');
    expect(expected.length).toBeGreaterThan(0);
    expect(inactive.body.response.map((s) => s.id)).toEqual(expected.map((s) => s.id));
    const notActive = await call<StaffView[]>('/api/v0/staff?_limit=100&_filters=standing_not(active)');
    expect(notActive.body.response.map((s) => s.id)).toEqual(expected.map((s) => s.id));
    const range = await call<StaffView[]>(
      '/api/v0/staff?_filters=id_greater_than(100),id_less_than_or_equal(103)',
    );
    expect(range.body.response.map((s) => s.id)).toEqual(['101', '102', '103']);
  });

  it('needs a JSON body for an email filter: POST with _method=get', async () => {
    const target = sandbox.control.list()[20]!;
    const query = await call(`/api/v0/staff?_filters=email(${encodeURIComponent(target.email!)})`);
    expect(query.status).toBe(400);
    const json = await call<StaffView[]>('/api/v0/staff?_method=get&_fields=_ALL', {
      method: 'POST',
      body: { _filters: { email: [target.email!.toUpperCase()] } },
    });
    expect(json.status).toBe(200);
    expect(json.body.response).toEqual([target]);
    const create = await call('/api/v0/staff', { method: 'POST', body: { firstname: 'x' } });
    expect(create.status).toBe(400);
  });

  it('refuses filters the staff list does not support', async () => {
    const { status, body } = await call('/api/v0/staff?_filters=order_by_desc(surname)');
    expect(status).toBe(400);
    expect(body.meta.status).toBe('invalid_request');
  });

  it('counts staff under the same filters', async () => {
    const { body } = await call<{ count: string }>('/api/v0/staff/count?_filters=standing(active)');
    expect(body.response.count).toBe(
      String(sandbox.control.list().filter((s) => s.standing === 'active').length),
    );
  });
});

describe('one staff member', () => {
  it('gets staff by id and the token’s own staff with whoami; an unknown id is invalid_request', async () => {
    const target = sandbox.control.list()[7]!;
    expect((await call(`/api/v0/staff/${target.id}?_fields=_ALL`)).body.response).toEqual(target);
    const me = await call<StaffView>('/api/v0/staff/whoami');
    expect(me.body.response.id).toBe(sandbox.currentUserId);
    const missing = await call('/api/v0/staff/999999');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      meta: {
        status: 'invalid_request',
        message: expect.stringContaining('actually exists'),
        more_info: expect.any(String),
      },
      response: null,
    });
  });

  it('describes the token at /tokeninfo', async () => {
    const { body } = await call<Record<string, unknown>>('/api/v0/tokeninfo');
    expect(body.response).toMatchObject({ deployment: 'planet-express', staff_id: sandbox.currentUserId });
    expect(Number(body.response.expiry_date)).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('rate limit', () => {
  it('counts per deployment with X-RateLimit-* headers and answers 429 too_many_requests past it', async () => {
    const limited = await startAcceloSandbox({ staff: 3, rateLimit: { calls: 2, windowMs: 60_000 } });
    try {
      const a = limited.control.oauth.issueTokens().accessToken;
      const b = limited.control.oauth.issueTokens().accessToken;
      const get = (t: string) =>
        fetch(`${limited.url}/api/v0/staff`, { headers: { authorization: `Bearer ${t}` } });
      const first = await get(a);
      expect(first.headers.get('x-ratelimit-limit')).toBe('2');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      expect((await get(b)).status).toBe(200);
      const refused = await get(a);
      expect(refused.status).toBe(429);
      expect(await refused.json()).toEqual({
        meta: {
          status: 'too_many_requests',
          message: 'Rate limit exceeded for planet-express.api.accelo.com',
          more_info: 'api.accelo.com/docs/#rate-limiting',
        },
        response: null,
      });
    } finally {
      await limited.close();
    }
  });

  it('sends an injected 429 with a reset a moment away', async () => {
    sandbox.control.addFault({ kind: 'error', status: 429, times: 1 });
    const { status, headers, body } = await call('/api/v0/staff');
    expect(status).toBe(429);
    expect(body.meta.status).toBe('too_many_requests');
    expect(headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(headers.get('x-ratelimit-reset')) - Date.now() / 1000).toBeLessThanOrEqual(2);
  });
});
