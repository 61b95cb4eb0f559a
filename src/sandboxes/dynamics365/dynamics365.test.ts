/** The Dynamics 365 sandbox over real HTTP: Entra tokens, the Web API's OData options, paging and limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, getJson, pkcePair, postForm } from '../kit/testing.ts';
import { type DynamicsSandbox, startDynamicsSandbox } from './index.ts';

const API = '/api/data/v9.2';
const ORG = 'https://contoso.crm.dynamics.com';
let sandbox: DynamicsSandbox;
let token: string;

interface Page {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  value: Array<Record<string, unknown>>;
  error?: { code: string; message: string };
}

const get = (path: string, headers: Record<string, string> = {}, bearer: string | null = token) =>
  getJson<Page>(path.startsWith('http') ? path : `${sandbox.url}${path}`, {
    ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
    ...headers,
  });
const users = (query: string, headers: Record<string, string> = {}) =>
  get(`${API}/systemusers?${query}`, headers);

beforeAll(async () => {
  sandbox = await startDynamicsSandbox({
    users: 240,
    seed: 5,
    requestsPer5Minutes: null,
    oauth: { autoApprove: true },
  });
  token = sandbox.control.oauth.issueTokens({ scopes: [`${ORG}/.default`, 'offline_access'] }).accessToken;
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('answers a missing token or one for another resource with an empty 401 naming the authority', async () => {
    const other = sandbox.control.oauth.issueTokens({
      scopes: ['https://graph.microsoft.com/.default'],
    }).accessToken;
    for (const bearer of [null, 'eyJ.not.valid', other]) {
      const res = await get(`${API}/WhoAmI`, {}, bearer);
      expect(res.status).toBe(401);
      expect(res.text).toBe('');
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer authorization_uri=https://login.microsoftonline.com/${sandbox.tenantId}/oauth2/authorize, resource_id=${ORG}/`,
      );
    }
  });

  it('issues environment tokens by the code flow, and refreshes them only when asked for the scope again', async () => {
    const pkce = pkcePair();
    const redirect = await authorize(
      authorizeUrl(sandbox.url, '/organizations/oauth2/v2.0/authorize', {
        response_type: 'code',
        client_id: sandbox.oauth.clientId,
        redirect_uri: 'https://app.example.com/cb',
        scope: `${ORG}/.default offline_access`,
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      }),
    );
    const tokens = await postForm<Record<string, string>>(sandbox.oauth.tokenUrl, {
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code')!,
      redirect_uri: 'https://app.example.com/cb',
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      code_verifier: pkce.verifier,
      scope: `${ORG}/.default offline_access`,
    });
    expect(tokens.json).toMatchObject({
      token_type: 'Bearer',
      scope: `${ORG}/user_impersonation ${ORG}/.default`,
      expires_in: 4500,
      ext_expires_in: 4500,
      access_token: expect.stringMatching(/^eyJ/),
      refresh_token: expect.stringMatching(/^1\.AQ/),
    });
    const claims = JSON.parse(Buffer.from(tokens.json.access_token!.split('.')[1]!, 'base64url').toString());
    expect(claims.aud).toBe(ORG);
    const refresh = (scope?: string) =>
      postForm<Record<string, unknown>>(sandbox.oauth.tokenUrl, {
        grant_type: 'refresh_token',
        refresh_token: tokens.json.refresh_token,
        client_id: sandbox.oauth.clientId,
        client_secret: sandbox.oauth.clientSecret,
        scope,
      });
    const noScope = await refresh();
    expect(noScope.status).toBe(400);
    expect(noScope.json).toMatchObject({ error: 'invalid_request', error_codes: [900144] });
    const foreign = await refresh('https://fabrikam.crm.dynamics.com/.default offline_access');
    expect(foreign.json).toMatchObject({ error: 'invalid_resource', error_codes: [500011] });
    const ok = await refresh(`${ORG}/.default offline_access`);
    expect(ok.status).toBe(200);
    expect(ok.json.refresh_token).not.toBe(tokens.json.refresh_token);
    expect((await get(`${API}/WhoAmI`, {}, ok.json.access_token as string)).status).toBe(200);
  });

  it('names a wrong client secret AADSTS7000215', async () => {
    const res = await postForm<Record<string, unknown>>(sandbox.oauth.tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      scope: `${ORG}/.default`,
      client_id: sandbox.oauth.clientId,
      client_secret: 'wrong',
    });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(String(res.json.error_description)).toMatch(/^AADSTS7000215: Invalid client secret provided\./);
  });
});

describe('systemusers', () => {
  it('pages by Prefer: odata.maxpagesize and @odata.nextLink with a paging cookie', async () => {
    const seen: string[] = [];
    let next: string | undefined = `${API}/systemusers?$select=fullname,isdisabled`;
    let pages = 0;
    while (next) {
      const res = await get(next, { prefer: 'odata.maxpagesize=50' });
      expect(res.status).toBe(200);
      expect(res.headers.get('preference-applied')).toBe('odata.maxpagesize=50');
      expect(res.json.value.length).toBeLessThanOrEqual(50);
      seen.push(...res.json.value.map((r) => String(r.systemuserid)));
      next = res.json['@odata.nextLink'];
      if (next)
        expect(new URL(next).searchParams.get('$skiptoken')).toMatch(
          /^<cookie pagenumber="\d+" pagingcookie="/,
        );
      pages++;
    }
    expect(seen).toHaveLength(sandbox.control.list().length);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(seen.length / 50));
  });

  it('caps the page size at 5,000 and refuses $skip', async () => {
    const big = await users('$select=fullname', { prefer: 'odata.maxpagesize=9000' });
    expect(big.headers.get('preference-applied')).toBe('odata.maxpagesize=5000');
    const skip = await users('$skip=10');
    expect(skip.status).toBe(400);
    expect(skip.json.error).toEqual({
      code: '0x80060888',
      message: 'The query parameter $skip is not supported',
    });
  });

  it('filters case-insensitively with typed literals, and orders', async () => {
    const sample = sandbox.control.list().find((r) => r.accessmode === 0 && r.isdisabled === false)!;
    const email = String(sample.internalemailaddress).toUpperCase();
    const byEmail = await users(`$filter=${encodeURIComponent(`internalemailaddress eq '${email}'`)}`);
    expect(byEmail.json.value.map((r) => r.systemuserid)).toEqual([sample.systemuserid]);
    const disabled = await users(
      `$select=isdisabled,createdon&$filter=${encodeURIComponent('isdisabled eq true and createdon ge 2020-01-01T00:00:00Z')}&$orderby=createdon desc`,
    );
    expect(disabled.json.value.length).toBeGreaterThan(0);
    const dates = disabled.json.value.map((r) => String(r.createdon));
    expect(dates).toEqual([...dates].sort().reverse());
    for (const r of disabled.json.value) expect(r.isdisabled).toBe(true);
    const contains = await users(
      `$filter=${encodeURIComponent(`contains(fullname,'${String(sample.lastname).toLowerCase()}')`)}`,
    );
    expect(contains.json.value.map((r) => r.systemuserid)).toContain(sample.systemuserid);
  });

  it.each([
    ["$filter=isdisabled eq 'false'", /incompatible types.*'Edm.Boolean' and 'Edm.String'/],
    ['$filter=nosuchcolumn eq 1', /Could not find a property named 'nosuchcolumn'/],
    ["$filter=fullname eq 'a' and", /Expression expected|Syntax error/],
    ['$select=fullname,bogus', /Could not find a property named 'bogus'/],
  ])('refuses %s with 0x80060888', async (query, message) => {
    const res = await users(query.replace(/ /g, '%20'));
    expect(res.status).toBe(400);
    expect(res.json.error!.code).toBe('0x80060888');
    expect(res.json.error!.message).toMatch(message);
  });

  it('reads one user with its entity context, 404s an unknown id and 400s a key that is no GUID', async () => {
    const got = await get(`${API}/systemusers(${sandbox.userId})?$select=fullname`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({
      '@odata.context': `${sandbox.url}${API}/$metadata#systemusers(fullname)/$entity`,
      systemuserid: sandbox.userId,
    });
    const missing = await get(`${API}/systemusers(00000000-0000-0000-0000-0000000000ff)`);
    expect(missing.status).toBe(404);
    expect(missing.json.error!.code).toBe('0x80040217');
    expect((await get(`${API}/systemusers(999999991)`)).status).toBe(400);
  });

  it('answers WhoAmI with the token’s user', async () => {
    const res = await get(`${API}/WhoAmI`);
    expect(res.json).toMatchObject({ UserId: sandbox.userId });
  });
});

describe('service protection limits', () => {
  it('refuses past the limit with 429, Retry-After and Dataverse’s 0x80072322', async () => {
    const limited = await startDynamicsSandbox({ users: 3, requestsPer5Minutes: 2 });
    try {
      const t = limited.control.oauth.issueTokens({ scopes: [`${ORG}/.default`] }).accessToken;
      const call = () => getJson<Page>(`${limited.url}${API}/WhoAmI`, { authorization: `Bearer ${t}` });
      expect((await call()).headers.get('x-ms-ratelimit-burst-remaining-xrm-requests')).toBe('1');
      await call();
      const refused = await call();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(200);
      expect(refused.json.error!.code).toBe('0x80072322');
    } finally {
      await limited.close();
    }
  });
});
