/** The Wix sandbox over real HTTP, checked against Wix's documented contributors API, app OAuth and API keys. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm } from '../kit/testing.ts';
import { ROLES, startWixSandbox, type WixContributor, type WixSandbox } from './index.ts';

let sandbox: WixSandbox;
const PATH = '/roles-management/v2/contributors/query';

async function query(headers: Record<string, string>, search = '') {
  const res = await fetch(`${sandbox.url}${PATH}${search}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const asKey = (site = sandbox.siteId) => ({ authorization: sandbox.apiKey, 'wix-site-id': site });

beforeAll(async () => {
  sandbox = await startWixSandbox({ contributors: 45, seed: 9, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('Create Access Token (client credentials per app instance)', () => {
  const credentials = () => ({
    grant_type: 'client_credentials',
    client_id: sandbox.app.appId,
    client_secret: sandbox.app.appSecret,
    instance_id: sandbox.instanceId,
  });

  it('answers a JSON request with a four-hour token for the instance, no refresh token', async () => {
    const res = await postForm(sandbox.app.tokenUrl, credentials(), { json: true });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      access_token: expect.stringMatching(/^OauthNG\.JWS\./),
      token_type: 'Bearer',
      expires_in: 14400,
    });
    const listed = await query({ authorization: res.json.access_token as string });
    expect(listed.status).toBe(200);
  });

  it('refuses a form body, an unknown instance and a wrong secret', async () => {
    expect((await postForm(sandbox.app.tokenUrl, credentials())).json).toMatchObject({
      error: 'invalid_request',
    });
    const unknown = await postForm(
      sandbox.app.tokenUrl,
      { ...credentials(), instance_id: 'nope' },
      { json: true },
    );
    expect(unknown).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    const wrong = await postForm(
      sandbox.app.tokenUrl,
      { ...credentials(), client_secret: 'x' },
      { json: true },
    );
    expect(wrong).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
  });
});

describe('auth on the API', () => {
  it('takes the token as the whole Authorization header, or after Bearer', async () => {
    const token = sandbox.control.issueToken().accessToken;
    expect((await query({ authorization: token })).status).toBe(200);
    expect((await query({ authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('answers a missing, unknown or expired credential with 401 UNAUTHENTICATED', async () => {
    const expired = sandbox.control.issueToken({ accessExpiresIn: -5 }).accessToken;
    const cases: Array<Record<string, string>> = [
      {},
      { authorization: 'OauthNG.JWS.bogus' },
      { authorization: expired },
    ];
    for (const headers of cases) {
      const res = await query(headers);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        message: expect.any(String),
        details: { applicationError: { code: 'UNAUTHENTICATED' } },
      });
    }
  });

  it('needs wix-site-id with an API key, for a site the key can reach', async () => {
    expect((await query(asKey())).status).toBe(200);
    for (const headers of [
      { authorization: sandbox.apiKey },
      asKey('00000000-0000-4000-8000-000000000000'),
    ]) {
      const res = await query(headers);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ details: { applicationError: { code: 'PERMISSION_DENIED' } } });
    }
  });

  it('refuses credentials without the Manage Contributors permission with 403', async () => {
    const limited = await startWixSandbox({
      contributors: 3,
      app: { permissions: ['SCOPE.DC-STORES.READ-PRODUCTS'] },
    });
    try {
      const res = await fetch(`${limited.url}${PATH}`, {
        headers: { authorization: limited.control.issueToken().accessToken },
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({
        details: { applicationError: { code: 'PERMISSION_DENIED' } },
      });
    } finally {
      await limited.close();
    }
  });
});

describe('Query Site Contributors', () => {
  it('returns every contributor at once: the owner first, joinedAt as ISO 8601 UTC', async () => {
    const { body } = await query(asKey());
    const contributors = body.contributors as WixContributor[];
    expect(contributors).toEqual(sandbox.control.list());
    expect(contributors).toHaveLength(45);
    expect(contributors[0]!.metaData.assignments[0]!.policy).toEqual(ROLES.owner);
    expect(contributors[0]).not.toHaveProperty('invitedEmail');
    for (const c of contributors) {
      expect(c.joinedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(c.metaData.id).toBe(c.id);
    }
    expect(contributors.some((c) => c.isTeam)).toBe(true);
  });

  it('filters by role (filter.policyIds, repeatable) and by location', async () => {
    const search = `?filter.policyIds=${ROLES.owner.policyId}&filter.policyIds=${ROLES.writer.policyId}`;
    const { body } = await query(asKey(), search);
    const found = body.contributors as WixContributor[];
    expect(found.length).toBeGreaterThan(1);
    for (const c of found)
      expect([ROLES.owner.policyId, ROLES.writer.policyId]).toContain(
        c.metaData.assignments[0]!.policy.policyId,
      );
    expect((await query(asKey(), '?filter.locationIds=loc-1')).body).toEqual({ contributors: [] });
  });

  it('forgets a removed collaborator, and a revoked API key stops working', async () => {
    const limited = await startWixSandbox({ contributors: 4 });
    try {
      const call = () =>
        fetch(`${limited.url}${PATH}`, {
          headers: { authorization: limited.apiKey, 'wix-site-id': limited.siteId },
        });
      const gone = limited.control.list()[2]!;
      expect(limited.control.remove(gone.id)).toBe(true);
      const listed = ((await (await call()).json()) as { contributors: WixContributor[] }).contributors;
      expect(listed.map((c) => c.id)).not.toContain(gone.id);
      limited.control.revokeApiKey();
      expect((await call()).status).toBe(401);
    } finally {
      await limited.close();
    }
  });
});

describe('rate limits', () => {
  it('allows 200 calls a minute per instance, then answers 429 RESOURCE_EXHAUSTED', async () => {
    const limited = await startWixSandbox({ contributors: 2, rateLimit: { calls: 2, windowMs: 60_000 } });
    try {
      const token = limited.control.issueToken().accessToken;
      const call = () => fetch(`${limited.url}${PATH}`, { headers: { authorization: token } });
      expect((await call()).status).toBe(200);
      expect((await call()).status).toBe(200);
      const refused = await call();
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({
        details: { applicationError: { code: 'RESOURCE_EXHAUSTED' } },
      });
    } finally {
      await limited.close();
    }
  });
});
