/** Nutshell's own edge cases against its emulator: 0-based paging, epoch-second dates, sign-in names, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type NutshellSandbox, startNutshellSandbox } from '../../sandboxes/nutshell/index.ts';

let sandbox: NutshellSandbox;
let server: TestServer;
let accountId: string;
const list = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;
const link = (context: Record<string, unknown>) =>
  server.request('POST', '/integrated-account', {
    integration: 'nutshell',
    tenant_id: 'acme',
    context: { ...context, api_origin: sandbox.url },
  });

beforeAll(async () => {
  sandbox = await startNutshellSandbox({ users: 40, seed: 21 });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await link({ username: sandbox.domain, api_key: sandbox.apiKey });
  expect(created.body.status, created.text).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('nutshell crm/users', () => {
  it('pages with a 0-based page[page] and page[limit] and stops at meta.total without an empty page', async () => {
    const before = sandbox.control.requests().length;
    const rows = await walkPages(server, list('&limit=15'));
    expect(rows.map((r) => r.id)).toEqual(sandbox.control.list().map((u) => u.id));
    expect(sandbox.control.requests().slice(before)).toEqual([
      '/rest/users?page[page]=0&page[limit]=15',
      '/rest/users?page[page]=1&page[limit]=15',
      '/rest/users?page[page]=2&page[limit]=15',
    ]);
  });

  it('turns epoch-second modifiedTime into ISO 8601 UTC, leaves created_at and last_name empty, maps disabled users', async () => {
    const rows = await walkPages(server, list('&limit=100'));
    const users = sandbox.control.list();
    const sample = users[1]!;
    expect(rows.find((r) => r.id === sample.id)).toMatchObject({
      name: sample.name,
      first_name: sample.firstName,
      last_name: null,
      email: sample.emails[0],
      created_at: null,
      updated_at: new Date(sample.modifiedTime * 1000).toISOString(),
    });
    const disabled = users.filter((u) => !u.isEnabled).map((u) => u.id);
    expect(disabled.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.is_active === false).map((r) => r.id)).toEqual(disabled);
  });

  it('applies an updated_at walk itself (Nutshell cannot filter users) and says so', async () => {
    const cut = '2022-01-01T00:00:00.000Z';
    const first = await server.request('GET', list(`&updated_at[gt]=${cut}`));
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('x-switchboard-filters-local')).toContain('updated_at');
    const rows = await walkPages(server, list(`&updated_at[gt]=${cut}&limit=100`));
    const expected = sandbox.control.list().filter((u) => u.modifiedTime * 1000 > Date.parse(cut));
    expect(rows.map((r) => r.id)).toEqual(expected.map((u) => u.id));
  });

  it('links with a user’s email too, and reports a refused key without echoing it', async () => {
    const byEmail = await link({ username: sandbox.email, api_key: sandbox.apiKey });
    expect(byEmail.body.status, byEmail.text).toBe('active');
    const wrong = await link({ username: sandbox.email, api_key: 'not-the-key-0123456789' });
    expect(wrong.body.status).toBe('validation_error');
    expect(wrong.body.last_error).toMatch(/Nutshell refused the credentials/);
    expect(wrong.text).not.toContain('not-the-key-0123456789');
  });

  it('passes Nutshell’s 404 for an unknown user on in the envelope, with its errors list', async () => {
    const missing = await server.request(
      'GET',
      `/proxy/users/999999-users?integrated_account_id=${accountId}`,
    );
    expect(missing.status, missing.text).toBe(404);
    expect(missing.body).toMatchObject({
      truto_is_remote_error: true,
      message: expect.stringContaining('The requested user does not exist.'),
      raw_response: { errors: [{ status: '404' }] },
    });
  });
});
