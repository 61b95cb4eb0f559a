/**
 * The `crm/users` contract, the same checks for every CRM integration against its emulator over real HTTP:
 * a full walk returns every person exactly once across several pages; get by id; every filter and sort
 * (checked against the walk's own unified values, so the suite tests the engine and pushdown, not a second
 * copy of the mapping); `remote_data` equals the vendor record; a second account links through the connect
 * page (OAuth consent or the key form); a refused token leads to a refresh (OAuth)
 * or `needs_reauth` (keys); a vendor 429 is absorbed; a vendor error reaches the client in the envelope.
 *
 * An integration's test calls `crmUsersContract(fixture)`; its own edge cases (date formats, non-human
 * users, paging quirks) live beside it in its own test file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize } from '../../src/sandboxes/kit/testing.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { walkPages } from '../support/unified.ts';
import { finished } from '../sync-support.ts';
import { type EmulatorOAuthApp, useEmulatorOAuthApp } from './oauth-app.ts';

export interface VendorUnderTest {
  /** The emulator's origin (allowed as an upstream origin for the test server). */
  url: string;
  /** How to link an account: `POST /integrated-account` context (an imported OAuth token or keys). */
  context: Record<string, unknown>;
  auth: 'oauth2' | 'api_key';
  /** The vendor's user records as the emulator holds them: `remote_data` must equal them. */
  records(): unknown[];
  /** The unified id of a vendor record. */
  idOf(record: unknown): string;
  /** Records that are not people who log in (API users, queues, bots): absent from crm/users. */
  isExcluded?(record: unknown): boolean;
  /** OAuth: expire the account's access token at the emulator; keys: make them invalid. */
  invalidateAccess(): void | Promise<void>;
  /** OAuth: token-endpoint refreshes the emulator has answered so far. */
  refreshes?(): number;
  /** Adds a fault rule at the emulator (the kit's `FaultRule`). */
  addFault(rule: { kind: 'error'; status: number; times?: number; pathPrefix?: string }): void;
  clearFaults(): void;
  close(): Promise<void>;
  /** The emulator's OAuth app: set as the environment's, so that refreshes and the connect page reach it. */
  oauthApp?: EmulatorOAuthApp;
}

export interface CrmUsersFixture {
  integration: string;
  /** Names the run when one integration is checked several ways (e.g. per auth kind). */
  label?: string;
  /** A page size that makes the walk take several pages. */
  pageSize: number;
  /** Seeded people (some inactive, some not human). */
  users?: number;
  start(options: { users: number; seed: number }): Promise<VendorUnderTest>;
  /** Extra environment for the test server (e.g. an OAuth app's token URL override allowed). */
  serverEnv?: (vendor: VendorUnderTest) => Record<string, string>;
}

// biome-ignore lint/suspicious/noExplicitAny: records are whatever JSON the server answered
type Row = Record<string, any>;

function median(values: string[]): string | undefined {
  const sorted = values.filter(Boolean).sort();
  return sorted[Math.floor(sorted.length / 2)];
}

export function crmUsersContract(fixture: CrmUsersFixture): void {
  describe(`crm/users contract: ${fixture.label ?? fixture.integration}`, () => {
    let vendor: VendorUnderTest;
    let server: TestServer;
    let accountId: string;
    let walked: Row[];
    const list = (query = '') =>
      `/unified/crm/users?integrated_account_id=${accountId}&limit=${fixture.pageSize}${query}`;

    beforeAll(async () => {
      vendor = await fixture.start({ users: fixture.users ?? 60, seed: 17 });
      server = await startTestServer({
        SWITCHBOARD_ALLOW_UPSTREAM: vendor.url,
        SWITCHBOARD_JOBS_POLL_MS: '100',
        ...(fixture.serverEnv?.(vendor) ?? {}),
      });
      if (vendor.oauthApp) await useEmulatorOAuthApp(server, fixture.integration, vendor.oauthApp);
      const created = await server.request('POST', '/integrated-account', {
        integration: fixture.integration,
        tenant_id: 'contract',
        context: vendor.context,
      });
      expect(created.status, created.text).toBe(201);
      expect(created.body.status, created.body.last_error).toBe('active');
      accountId = created.body.id;
      walked = await walkPages(server, list());
    });
    afterAll(async () => {
      await server?.close();
      await vendor?.close();
    });

    const people = () => vendor.records().filter((r) => !vendor.isExcluded?.(r));

    it('walks every person exactly once, across several pages, leaving non-people out', async () => {
      const expected = people().map((r) => vendor.idOf(r));
      expect(expected.length).toBeGreaterThan(fixture.pageSize);
      const ids = walked.map((r) => r.id);
      expect(new Set(ids).size, 'no duplicates').toBe(ids.length);
      expect([...ids].sort()).toEqual([...expected].sort());
      const excluded = vendor.records().filter((r) => vendor.isExcluded?.(r));
      for (const record of excluded) expect(ids).not.toContain(vendor.idOf(record));
    });

    it('keeps the vendor record untouched in remote_data', () => {
      const byId = new Map(people().map((r) => [vendor.idOf(r), r]));
      for (const row of walked) expect(row.remote_data).toEqual(JSON.parse(JSON.stringify(byId.get(row.id))));
    });

    it('maps to the unified shape: ISO 8601 UTC dates, booleans, strings', () => {
      for (const row of walked) {
        expect(typeof row.id).toBe('string');
        for (const date of ['created_at', 'updated_at']) {
          if (row[date] !== null && row[date] !== undefined) {
            expect(row[date], `${row.id} ${date}`).toMatch(
              /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/,
            );
          }
        }
        if (row.is_active !== null && row.is_active !== undefined)
          expect(typeof row.is_active).toBe('boolean');
        if (row.email !== null && row.email !== undefined) expect(row.email).toContain('@');
      }
    });

    it('gets one user by id, the same record as in the walk, and 404s an unknown id', async () => {
      const samples = [walked[0]!, walked.at(-1)!, walked.find((r) => r.is_active === false)].filter(Boolean);
      for (const sample of samples) {
        const got = await server.request(
          'GET',
          `/unified/crm/users/${encodeURIComponent(sample!.id)}?integrated_account_id=${accountId}`,
        );
        expect(got.status, got.text).toBe(200);
        expect(got.body).toEqual(sample);
      }
      const missing = await server.request(
        'GET',
        `/unified/crm/users/999999991?integrated_account_id=${accountId}`,
      );
      expect(missing.status, missing.text).toBe(404);
    });

    it('applies every filter as the walk’s own values say, and says who applied it', async () => {
      const sample = walked.find((r) => r.email && r.name) ?? walked[0]!;
      const cases: Array<[string, (r: Row) => boolean]> = [
        [
          `&email=${encodeURIComponent(sample.email)}`,
          (r) => r.email?.toLowerCase() === sample.email.toLowerCase(),
        ],
        ['&is_active=true', (r) => r.is_active === true],
        ['&is_active=false', (r) => r.is_active === false],
        [
          `&name=${encodeURIComponent(sample.name)}`,
          (r) => r.name?.toLowerCase() === sample.name.toLowerCase(),
        ],
      ];
      for (const field of ['created_at', 'updated_at']) {
        const cut = median(walked.map((r) => r[field]));
        if (cut)
          cases.push([
            `&${field}[gte]=${encodeURIComponent(cut)}`,
            (r) => r[field] !== null && r[field] >= cut,
          ]);
      }
      for (const [query, keep] of cases) {
        const first = await server.request('GET', list(query));
        expect(first.status, `${query}: ${first.text}`).toBe(200);
        const applied = `${first.headers.get('x-switchboard-filters-vendor')},${first.headers.get('x-switchboard-filters-local')}`;
        expect(applied, query).not.toBe(',');
        const rows = await walkPages(server, list(query));
        expect(rows.map((r) => r.id).sort(), query).toEqual(
          walked
            .filter(keep)
            .map((r) => r.id)
            .sort(),
        );
      }
    });

    it('sorts by each field it supports and refuses the others with 400', async () => {
      const meta = await server.request(
        'GET',
        `/unified/crm/users/meta/list?integrated_account_id=${accountId}`,
      );
      expect(meta.status, meta.text).toBe(200);
      const sortable: string[] = meta.body.query_schema.sort_by.values;
      for (const field of ['created_at', 'email', 'name', 'updated_at']) {
        if (!sortable.includes(field)) {
          const refused = await server.request('GET', list(`&sort_by=${field}`));
          expect(refused.status, field).toBe(400);
          continue;
        }
        for (const direction of ['asc', 'desc'] as const) {
          const rows = await walkPages(server, list(`&sort_by[${field}]=${direction}`));
          expect(rows).toHaveLength(walked.length);
          const values = rows.map((r) => r[field]).filter((v) => v !== null && v !== undefined);
          const sorted = [...values].sort((a, b) =>
            String(a).localeCompare(String(b), 'en', { sensitivity: 'base' }),
          );
          if (direction === 'desc') sorted.reverse();
          expect(
            values.map(String).map((v) => v.toLowerCase()),
            `${field} ${direction}`,
          ).toEqual(sorted.map(String).map((v) => v.toLowerCase()));
        }
      }
    });

    it('syncs crm/users into a snapshot of every person, which the access-audit report lists', async () => {
      const started = await server.request('POST', '/sync-job-run', { integrated_account_id: accountId });
      expect(started.status, started.text).toBe(201);
      const run = await finished((p) => server.request('GET', p), started.body.id);
      expect(run.status, JSON.stringify(run.error)).toBe('completed');
      expect(run.resources).toEqual(['crm/users']);
      const report = await server.request(
        'GET',
        `/reports/access-audit?integrated_account_id=${accountId}&format=json`,
      );
      expect(report.status, report.text).toBe(200);
      expect(report.body.resource).toBe('crm/users');
      const listed = report.body.users as Row[];
      expect(listed.map((u) => u.id).sort()).toEqual(walked.map((r) => r.id).sort());
      const inactive = walked.find((r) => r.is_active === false);
      if (inactive) expect(listed.find((u) => u.id === inactive.id)!.status).toBe('inactive');
    });

    it('absorbs a vendor 429 and answers 200', async () => {
      vendor.addFault({ kind: 'error', status: 429, times: 1 });
      try {
        const response = await server.request('GET', list());
        expect(response.status, response.text).toBe(200);
      } finally {
        vendor.clearFaults();
      }
    });

    it('passes a vendor failure to the client in the envelope, with the vendor body', async () => {
      vendor.addFault({ kind: 'error', status: 500 });
      try {
        const response = await server.request('GET', list());
        expect(response.status).toBe(502);
        expect(response.body).toMatchObject({
          statusCode: 502,
          code: 'REMOTE_ERROR',
          truto_is_remote_error: true,
        });
        expect(response.body).toHaveProperty('raw_response');
      } finally {
        vendor.clearFaults();
      }
    });

    it('links a second account through the connect page', async () => {
      const linked = await linkThroughConnectPage(server, fixture.integration, vendor);
      expect(linked.status, JSON.stringify(linked.body)).toBe(201);
      const account = await server.request('GET', `/integrated-account/${linked.body.integrated_account_id}`);
      expect(account.body).toMatchObject({ status: 'active', tenant_id: 'connect-page' });
      expect(account.body.context.authentication_method).toBe(
        'oauth' in vendor.context ? 'oauth2' : 'api_key',
      );
      const users = await server.request(
        'GET',
        `/unified/crm/users?integrated_account_id=${linked.body.integrated_account_id}&limit=${fixture.pageSize}`,
      );
      expect(users.status, users.text).toBe(200);
      expect(users.body.result.length).toBeGreaterThan(0);
    });

    it('refreshes an expired OAuth token once, or marks a refused key needs_reauth', async () => {
      await vendor.invalidateAccess();
      const before = vendor.refreshes?.() ?? 0;
      const response = await server.request('GET', list());
      const account = await server.request('GET', `/integrated-account/${accountId}`);
      if (vendor.auth === 'oauth2') {
        expect(response.status, response.text).toBe(200);
        expect(vendor.refreshes!() - before).toBe(1);
        expect(account.body.status).toBe('active');
      } else {
        expect(response.status, response.text).toBe(401);
        expect(account.body.status).toBe('needs_reauth');
      }
    });
  });
}

/**
 * Links an account as the hosted page does. OAuth: the link token carries the non-secret context (origin,
 * deployment), then start → the emulator's consent page (answered "allow") → callback → the outcome; a
 * grant without consent (client credentials) links at once. Keys: the page's fields come from
 * `/connect/session` and are posted to `/connect/link`; the rest of the context rides on the link token.
 */
async function linkThroughConnectPage(
  server: TestServer,
  integration: string,
  vendor: VendorUnderTest,
): Promise<{ status: number; body: Row }> {
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Row };
  };
  const linkToken = async (context: Record<string, unknown>) => {
    const created = await server.request('POST', '/link-token', {
      tenant_id: 'connect-page',
      integration,
      context,
    });
    expect(created.status, created.text).toBe(201);
    return created.body.link_token as string;
  };
  if ('oauth' in vendor.context) {
    const { oauth: _token, ...context } = vendor.context;
    const started = await call('POST', '/connect/oauth/start', await linkToken(context), { integration });
    if (started.status === 201) return started;
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const back = await authorize(started.body.authorize_url, 'allow');
    const callback = await fetch(back, { redirect: 'manual' });
    expect(callback.status).toBe(303);
    const handle = new URLSearchParams(callback.headers.get('location')!.split('#')[1]).get('oauth_result')!;
    return call('GET', '/connect/oauth/result', handle);
  }
  const probe = await call('GET', '/connect/session', await linkToken({}));
  const offered = (probe.body.integrations as Row[]).find((i) => i.name === integration)!;
  const fieldNames = new Set((offered.fields as Row[]).map((f) => f.name as string));
  const entered = Object.fromEntries(Object.entries(vendor.context).filter(([k]) => fieldNames.has(k)));
  const preset = Object.fromEntries(Object.entries(vendor.context).filter(([k]) => !fieldNames.has(k)));
  expect(Object.keys(entered).length, 'the page asks for the keys').toBeGreaterThan(0);
  return call('POST', '/connect/link', await linkToken(preset), { integration, context: entered });
}
