import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadSquaredSandbox } from '../start.ts';
import { type LsqClient, MX_INVALID_ACCESS, startTestSandbox } from '../testing.ts';

const USERS_GET = '/v2/UserManagement.svc/Users.Get';
const AUTHENTICATE = '/v2/Authentication.svc/UserByAccessKey.Get';

describe('authentication (reference §1.3, §9.1)', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  beforeAll(async () => ({ sandbox, lsq } = await startTestSandbox({ users: 50 })));
  afterAll(() => sandbox.close());

  it('accepts keys in the query string (accessKey / secretKey)', async () => {
    const res = await lsq.get(USERS_GET, { auth: 'query' });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
  });

  it('accepts keys in x-LSQ-AccessKey / x-LSQ-SecretKey headers, whatever their case', async () => {
    const res = await lsq.get(USERS_GET, {
      auth: 'none',
      headers: { 'X-LSQ-ACCESSKEY': sandbox.accessKey, 'x-lsq-secretkey': sandbox.secretKey },
    });
    expect(res.status).toBe(200);
  });

  it('keys look like the observed format: u$r + 32 hex, secret 40 hex', () => {
    expect(sandbox.accessKey).toMatch(/^u\$r[0-9a-f]{32}$/);
    expect(sandbox.secretKey).toMatch(/^[0-9a-f]{40}$/);
  });

  it('answers wrong keys with 401 and the MX body', async () => {
    const res = await lsq.get(USERS_GET, { keys: { accessKey: sandbox.accessKey, secretKey: 'wrong' } });
    expect(res.status).toBe(401);
    expect(res.json).toEqual(MX_INVALID_ACCESS);
    const none = await lsq.get(USERS_GET, { auth: 'none' });
    expect(none.status).toBe(401);
    expect(none.json).toEqual(MX_INVALID_ACCESS);
  });

  it('can answer 401 with an empty text/plain body instead (the other observed shape)', async () => {
    sandbox.control.setSettings({ emptyUnauthorizedBody: true });
    try {
      const res = await lsq.get(USERS_GET, { auth: 'none' });
      expect(res.status).toBe(401);
      expect(res.text).toBe('');
      expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    } finally {
      sandbox.control.setSettings({ emptyUnauthorizedBody: false });
    }
  });

  it('rejects the keys of a deactivated key owner', async () => {
    const extra = sandbox.control.addAccount({ shareDataWith: true });
    const keys = { accessKey: extra.accessKey, secretKey: extra.secretKey };
    const whoami = await lsq.get<{ Id: string }>(AUTHENTICATE, { keys });
    expect(whoami.status).toBe(200);
    expect(whoami.json.Id).not.toBe(sandbox.control.data.users.idOf(0));
    const off = await lsq.get('/v2/UserManagement.svc/User/Deactivate', {
      query: { userId: whoami.json.Id },
    });
    expect(off.json).toEqual({ Status: 'Success' });
    const after = await lsq.get(USERS_GET, { keys });
    expect(after.status).toBe(401);
    expect(after.json).toEqual(MX_INVALID_ACCESS);
  });
});

describe('wrong-region mode (reference §1.2)', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  beforeAll(async () => ({ sandbox, lsq } = await startTestSandbox({ users: 20, wrongRegion: true })));
  afterAll(() => sandbox.close());

  it('fails every call but Authenticate with 401 naming the right host', async () => {
    const res = await lsq.get<{ ExceptionType: string; ExceptionMessage: string }>(USERS_GET);
    expect(res.status).toBe(401);
    expect(res.json.ExceptionType).toBe('MXInvalidAccessDetailsException');
    const port = new URL(sandbox.url).port;
    expect(res.json.ExceptionMessage).toContain(`localhost:${port}`);
  });

  it('Authenticate still succeeds and reports the region host as a bare host', async () => {
    const res = await lsq.get<{ LSQCommonServiceURLs: { api: string } }>(AUTHENTICATE);
    expect(res.status).toBe(200);
    expect(res.json.LSQCommonServiceURLs.api).toBe(`localhost:${new URL(sandbox.url).port}`);
  });

  it('accepts calls that arrive on the reported host', async () => {
    const res = await request(`${sandbox.url}${USERS_GET}`, {
      headers: {
        host: `localhost:${new URL(sandbox.url).port}`,
        'x-lsq-accesskey': sandbox.accessKey,
        'x-lsq-secretkey': sandbox.secretKey,
      },
    });
    expect(res.statusCode).toBe(200);
    await res.body.text();
  });
});
