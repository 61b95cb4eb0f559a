/** The Salesforce sandbox over real HTTP, checked against Salesforce's documented REST behaviour. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson } from '../kit/testing.ts';
import { type SalesforceSandbox, startSalesforceSandbox } from './index.ts';

const V = '/services/data/v62.0';
const SELECT = 'SELECT Id, Name, Email, IsActive, UserType, CreatedDate FROM User';

let sandbox: SalesforceSandbox;
let token: string;

interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Array<Record<string, unknown> & { attributes: { type: string; url: string } }>;
}

async function get(path: string, headers: Record<string, string> = {}, bearer: string | null = token) {
  return getJson<QueryPage & Array<{ errorCode: string; message: string }>>(`${sandbox.url}${path}`, {
    ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
    ...headers,
  });
}

const query = (soql: string, headers: Record<string, string> = {}) =>
  get(`${V}/query?q=${encodeURIComponent(soql)}`, headers);

beforeAll(async () => {
  sandbox = await startSalesforceSandbox({ users: 450, seed: 3, dailyApiRequests: null });
  token = sandbox.control.oauth.issueTokens({ scopes: ['api', 'refresh_token'] }).accessToken;
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('answers a missing or unknown session with 401 INVALID_SESSION_ID', async () => {
    for (const bearer of [null, 'not-a-session']) {
      const res = await get(`${V}/query?q=${encodeURIComponent(SELECT)}`, {}, bearer);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Token');
      expect(res.json).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
  });

  it('refuses a token without the api scope as no REST API session', async () => {
    const idOnly = sandbox.control.oauth.issueTokens({ scopes: ['id'] }).accessToken;
    const res = await get(`${V}/query?q=${encodeURIComponent(SELECT)}`, {}, idOnly);
    expect(res.status).toBe(401);
    expect(res.json[0]!.message).toBe('This session is not valid for use with the REST API');
  });

  it('lists API versions without auth', async () => {
    const res = await getJson<Array<{ version: string; label: string }>>(`${sandbox.url}/services/data`);
    expect(res.status).toBe(200);
    expect(res.json).toContainEqual({ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' });
  });
});

describe('query and query locators', () => {
  it('hands a query out in batches of Sforce-Query-Options batchSize, at least 200', async () => {
    const first = await query(SELECT, { 'sforce-query-options': 'batchSize=50' });
    expect(first.status).toBe(200);
    expect(first.json.records).toHaveLength(200);
    expect(first.json.done).toBe(false);
    expect(first.json.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{12}-200$/);
    const ids = first.json.records.map((r) => r.Id);
    let next = first.json.nextRecordsUrl;
    while (next) {
      const page = await get(next);
      expect(page.status).toBe(200);
      ids.push(...page.json.records.map((r) => r.Id));
      next = page.json.nextRecordsUrl;
      if (!next) expect(page.json.done).toBe(true);
    }
    expect(ids).toHaveLength(first.json.totalSize);
    expect(new Set(ids).size).toBe(ids.length);
    expect(first.json.totalSize).toBe(sandbox.control.list().length);
  });

  it('closes a finished cursor and refuses a locator it never issued', async () => {
    const first = await query(SELECT, { 'sforce-query-options': 'batchSize=200' });
    const bogus = first.json.nextRecordsUrl!.replace(/-200$/, '-201');
    const res = await get(bogus);
    expect(res.status).toBe(400);
    expect(res.json).toEqual([{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
  });

  it('keeps at most 10 open cursors per user: an eleventh closes the oldest', async () => {
    const fresh = sandbox.control.oauth.issueTokens({ scopes: ['api'] }).accessToken;
    const open = async () =>
      (
        await get(
          `${V}/query?q=${encodeURIComponent(SELECT)}`,
          { 'sforce-query-options': 'batchSize=200' },
          fresh,
        )
      ).json.nextRecordsUrl!;
    const oldest = await open();
    for (let i = 0; i < 10; i++) await open();
    expect((await get(oldest, {}, fresh)).status).toBe(400);
  });

  it('writes records with attributes and Salesforce date-times', async () => {
    const res = await query(`${SELECT} WHERE UserType = 'Standard' LIMIT 3`);
    const record = res.json.records[0]!;
    expect(record.attributes).toEqual({ type: 'User', url: `${V}/sobjects/User/${record.Id}` });
    expect(record.CreatedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/);
    expect(record.Id).toMatch(/^005[A-Za-z0-9]{15}$/);
    expect(Object.keys(record)).toEqual([
      'attributes',
      'Id',
      'Name',
      'Email',
      'IsActive',
      'UserType',
      'CreatedDate',
    ]);
  });
});

describe('SOQL', () => {
  it('filters text case-insensitively and dates by unquoted date-time literals', async () => {
    const sample = sandbox.control.list().find((r) => r.UserType === 'Standard' && r.IsActive)!;
    const byEmail = await query(`${SELECT} WHERE Email = '${String(sample.Email).toUpperCase()}'`);
    expect(byEmail.json.records.map((r) => r.Id)).toEqual([sample.Id]);
    const cut = '2022-01-01T00:00:00Z';
    const recent = await query(`${SELECT} WHERE CreatedDate >= ${cut} AND IsActive = false`);
    expect(recent.json.records.length).toBeGreaterThan(0);
    for (const r of recent.json.records) {
      expect(Date.parse(String(r.CreatedDate).replace('+0000', 'Z'))).toBeGreaterThanOrEqual(Date.parse(cut));
      expect(r.IsActive).toBe(false);
    }
    const like = await query(
      `${SELECT} WHERE Name LIKE '%${String(sample.Name).slice(1, 4).toLowerCase()}%'`,
    );
    expect(like.json.records.map((r) => r.Id)).toContain(sample.Id);
  });

  it('orders by a field, nulls first ascending, ties by Id', async () => {
    const res = await query(`${SELECT} ORDER BY CreatedDate DESC LIMIT 50`);
    const dates = res.json.records.map((r) => String(r.CreatedDate));
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it.each([
    [`${SELECT} WHERE Foo__x = 'a'`, 'INVALID_FIELD', /No such column 'Foo__x' on entity 'User'/],
    [
      `${SELECT} WHERE CreatedDate > '2024-01-01T00:00:00Z'`,
      'INVALID_FIELD',
      /must be of type dateTime and should not be enclosed in quotes/,
    ],
    [`${SELECT} WHERE IsActive = 'true'`, 'INVALID_FIELD', /must be of type boolean/],
    [
      `${SELECT} WHERE IsActive = true AND Email = 'a' OR Email = 'b'`,
      'MALFORMED_QUERY',
      /unexpected token: OR/,
    ],
    [`${SELECT} WHERE CreatedDate > 2024-01-01T00:00:00.500Z`, 'MALFORMED_QUERY', /unexpected token/],
    ['SELECT Id FROM Account', 'INVALID_TYPE', /sObject type 'Account' is not supported/],
    [`${SELECT} OFFSET 2001`, 'NUMBER_OUTSIDE_VALID_RANGE', /Maximum SOQL offset allowed is 2000/],
  ])('refuses %s with %s', async (soql, code, message) => {
    const res = await query(soql);
    expect(res.status).toBe(400);
    expect(res.json[0]!.errorCode).toBe(code);
    expect(res.json[0]!.message).toMatch(message);
  });
});

describe('GET sobjects/User/{id}', () => {
  it('reads a user by its 15- or 18-character id, with the asked fields and the Id', async () => {
    const id18 = sandbox.adminUserId;
    for (const id of [id18, id18.slice(0, 15)]) {
      const res = await get(`${V}/sobjects/User/${id}?fields=Name,Email`);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        attributes: { type: 'User', url: `${V}/sobjects/User/${id18}` },
        Name: 'Admin User',
        Email: 'admin@docs.example.com',
        Id: id18,
      });
    }
  });

  it('answers 404 for an unknown id and for something that is no id at all', async () => {
    const unknown = await get(`${V}/sobjects/User/005x00000099999AAA`);
    expect(unknown.status).toBe(404);
    expect(unknown.json[0]!.errorCode).toBe('NOT_FOUND');
    const notAnId = await get(`${V}/sobjects/User/999999991`);
    expect(notAnId.status).toBe(404);
    expect(notAnId.json[0]!.message).toMatch(/Provided external ID field does not exist/);
  });
});

describe('the daily API request allocation', () => {
  it('counts every call in Sforce-Limit-Info and answers 403 REQUEST_LIMIT_EXCEEDED when spent', async () => {
    const limited = await startSalesforceSandbox({ users: 5, dailyApiRequests: 2 });
    try {
      const t = limited.control.oauth.issueTokens({ scopes: ['api'] }).accessToken;
      const call = () =>
        getJson<Array<{ errorCode: string }>>(`${limited.url}${V}/sobjects/User/${limited.adminUserId}`, {
          authorization: `Bearer ${t}`,
        });
      expect((await call()).headers.get('sforce-limit-info')).toBe('api-usage=1/2');
      expect((await call()).headers.get('sforce-limit-info')).toBe('api-usage=2/2');
      const refused = await call();
      expect(refused.status).toBe(403);
      expect(refused.json).toEqual([
        { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
      ]);
    } finally {
      await limited.close();
    }
  });
});
