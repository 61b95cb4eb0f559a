/**
 * The connect flow through its HTTP interface (the browser tests in connect-browser.test.ts drive the
 * page itself): link tokens, the page's session and link endpoints, against the LeadSquared sandbox, on
 * every database this run uses.
 */
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeadSquaredSandbox, startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { createApiToken, createEnvironment } from '../src/store/tenancy.ts';
import { type Listener, startRecordingListener } from './support/raw-http.ts';
import { startTestServer, TEST_DATABASES, type TestServer } from './support/server.ts';

const UNREACHABLE = 'http://127.0.0.1:9';

describe.each(TEST_DATABASES)('connect flow on %s', (database) => {
  let server: TestServer;
  let sandbox: LeadSquaredSandbox;
  /** A second LeadSquared "region": it accepts data calls only on http://localhost:<port>. */
  let otherRegion: LeadSquaredSandbox;
  let otherRegionHost: string;

  beforeAll(async () => {
    sandbox = await startLeadSquaredSandbox({ users: 30, seed: 7 });
    otherRegion = await startLeadSquaredSandbox({ users: 30, seed: 8, wrongRegion: true });
    otherRegionHost = `http://localhost:${new URL(otherRegion.url).port}`;
    server = await startTestServer(
      {
        // Offered as Sandbox 1..4 on the page, in this order.
        SWITCHBOARD_ALLOW_UPSTREAM: [sandbox.url, otherRegion.url, otherRegionHost, UNREACHABLE].join(','),
        SWITCHBOARD_CONNECT_SANDBOXES: 'true',
      },
      database,
    );
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
    await otherRegion?.close();
  });

  async function linkToken(
    body: Record<string, unknown> = { tenant_id: 'acme', integration: 'leadsquared' },
  ) {
    const response = await server.request('POST', '/link-token', body);
    expect(response.status, response.text).toBe(201);
    return response.body as { link_token: string; link_url: string; expires_at: string };
  }

  async function call(method: 'GET' | 'POST', route: string, token: string | undefined, body?: unknown) {
    const response = await fetch(`${server.url}${route}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : null };
  }

  const goodKeys = () => ({
    access_key: sandbox.accessKey,
    secret_key: sandbox.secretKey,
    api_host: 'sandbox-1',
  });

  async function accounts(tenant = 'acme') {
    return (await server.request('GET', `/integrated-account?tenant_id=${tenant}`)).body.result as Array<{
      id: string;
      status: string;
      context: Record<string, unknown>;
    }>;
  }

  describe('POST /link-token', () => {
    it('answers { link_token, link_url } with the token in the URL fragment, expiring in 7 days', async () => {
      const before = Date.now();
      const created = await linkToken();
      expect(created.link_token).toMatch(/^lt_[A-Za-z0-9_-]{43}$/);
      expect(created.link_url).toBe(`${server.url}/connect#link_token=${created.link_token}`);
      const ttl = Date.parse(created.expires_at) - before;
      expect(ttl).toBeGreaterThan(7 * 86_400_000 - 60_000);
      expect(ttl).toBeLessThanOrEqual(7 * 86_400_000 + 1000);
    });

    it('stores only the hash of the token', async () => {
      const { link_token } = await linkToken({ tenant_id: 'hash-check', context: { note: 'x' } });
      let raw: string;
      if (server.schema) {
        const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
        await client.connect();
        raw = JSON.stringify((await client.query(`select * from ${server.schema}.link_tokens`)).rows);
        await client.end();
      } else {
        const db = new DatabaseSync(path.join(server.dataDir, 'switchboard.db'), { readOnly: true });
        raw = JSON.stringify(db.prepare('select * from link_tokens').all());
        db.close();
      }
      expect(raw).toContain('hash-check');
      expect(raw).not.toContain(link_token);
      expect(raw).not.toContain(link_token.slice(3));
    });

    it('validates its input with the error envelope', async () => {
      const cases: Array<[Record<string, unknown>, number, string]> = [
        [{}, 400, 'tenant_id'],
        [{ tenant_id: 'a', integrated_account_id: 'b' }, 400, 'not both'],
        [{ tenant_id: 'a', integration: 'nope' }, 400, 'unknown integration'],
        [{ tenant_id: 'a', redirect_uri: 'javascript:alert(1)' }, 400, 'http(s)'],
        [{ tenant_id: 'a', redirect_uri: 'not a url' }, 400, 'redirect_uri'],
        [{ tenant_id: 'a', redirect_uri: 'https://u:p@example.com/' }, 400, 'credentials'],
        [{ tenant_id: 'a', opener_origin: 'https://example.com/path' }, 400, 'origin'],
        [{ tenant_id: 'a', persist_previous_context: true }, 400, 'reconnect'],
        [{ tenant_id: '' }, 400, 'tenant_id'],
        [{ integrated_account_id: 'no-such-account' }, 404, 'not found'],
      ];
      for (const [body, status, text] of cases) {
        const response = await server.request('POST', '/link-token', body);
        expect(response.status, JSON.stringify(body)).toBe(status);
        expect(response.body).toMatchObject({ statusCode: status, code: expect.any(String) });
        expect(response.body.message, JSON.stringify(body)).toContain(text);
      }
      const noToken = await fetch(`${server.url}/link-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant_id: 'a' }),
      });
      expect(noToken.status).toBe(401);
    });

    it('uses SWITCHBOARD_PUBLIC_URL for link_url when set', async () => {
      // On SQLite: a second PostgreSQL schema migrated while another exists trips Kysely's migrator
      // (it finds the other schema's migration tables; reported separately).
      const other = await startTestServer(
        { SWITCHBOARD_PUBLIC_URL: 'https://connect.example.com/sb/' },
        'sqlite',
      );
      try {
        const response = await other.request('POST', '/link-token', { tenant_id: 't' });
        expect(response.body.link_url).toMatch(
          /^https:\/\/connect\.example\.com\/sb\/connect#link_token=lt_/,
        );
      } finally {
        await other.close();
      }
    });
  });

  describe('the hosted page', () => {
    it('is a static shell under a strict CSP, with its script and style as separate files', async () => {
      const page = await fetch(`${server.url}/connect`);
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('cache-control')).toBe('no-store');
      const html = await page.text();
      expect(html).not.toMatch(/<script>|<script\s+(?![^>]*src=)/);
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expect(html).not.toContain('<style');
      for (const asset of html.match(/\/connect\/assets\/[a-z.]+\?v=[\w-]+/g)!) {
        const response = await fetch(`${server.url}${asset}`);
        expect(response.status, asset).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/text\/(css|javascript)/);
        const etag = response.headers.get('etag')!;
        const again = await fetch(`${server.url}${asset}`, { headers: { 'if-none-match': etag } });
        expect(again.status).toBe(304);
      }
      expect((await fetch(`${server.url}/connect/assets/..%2Fpage.ts`)).status).toBe(404);
      expect((await fetch(`${server.url}/connect/assets/toString`)).status).toBe(404);
    });

    it('serves the link SDK script', async () => {
      const sdk = await fetch(`${server.url}/link-sdk.js`);
      expect(sdk.status).toBe(200);
      expect(sdk.headers.get('content-type')).toContain('javascript');
      expect(await sdk.text()).toContain('SwitchboardLink');
    });
  });

  describe('session', () => {
    it('needs the link token in the Authorization header and says why a token is refused', async () => {
      const missing = await call('GET', '/connect/session', undefined);
      expect(missing.status).toBe(401);
      expect(missing.body.details).toEqual({ error_type: 'invalid_token', reason: 'missing' });
      const bogus = await call('GET', '/connect/session', 'lt_notarealtokennotarealtokennotarealtoken1');
      expect(bogus.status).toBe(410);
      expect(bogus.body).toMatchObject({ code: 'LINK_TOKEN_INVALID', details: { reason: 'unknown' } });
      const apiToken = await call('GET', '/connect/session', server.token);
      expect(apiToken.status).toBe(410);
    });

    it('describes the form: declared fields, regions with Auto-detect, sandboxes by number only', async () => {
      const { link_token } = await linkToken({
        tenant_id: 'acme',
        integration: 'leadsquared',
        redirect_uri: 'https://app.example.com/linked?step=2',
      });
      const session = await call('GET', '/connect/session', link_token);
      expect(session.status).toBe(200);
      expect(session.headers.get('cache-control')).toBe('no-store');
      expect(session.body).toMatchObject({
        integration: 'leadsquared',
        reconnect: false,
        opener_origin: 'https://app.example.com',
        redirect_host: 'app.example.com',
      });
      const fields = session.body.integrations[0].fields;
      expect(fields.map((f: { name: string }) => f.name)).toEqual(['access_key', 'secret_key', 'api_host']);
      expect(fields[1]).toMatchObject({ type: 'password', secret: true, required: true });
      const hosts = fields[2].options.map((o: { value: string }) => o.value);
      expect(hosts[0]).toBe('auto');
      expect(hosts).toContain('api.leadsquared.com');
      expect(hosts).toContain('api-in21.leadsquared.com');
      expect(hosts).toContain('sandbox-1');
      expect(JSON.stringify(fields[2].options)).not.toContain('127.0.0.1');
      expect(fields[2].options.find((o: { value: string }) => o.value === 'sandbox-4').label).toBe(
        'Sandbox 4',
      );
    });

    it('offers every integration when the token names none, and skips fields the token context sets', async () => {
      const { link_token } = await linkToken({ tenant_id: 'acme', context: { api_host: sandbox.url } });
      const session = await call('GET', '/connect/session', link_token);
      expect(session.body.integration).toBeNull();
      expect(session.body.integrations.map((i: { name: string }) => i.name)).toContain('leadsquared');
      const lsq = session.body.integrations.find((i: { name: string }) => i.name === 'leadsquared');
      expect(lsq.fields.map((f: { name: string }) => f.name)).toEqual(['access_key', 'secret_key']);
      const linked = await call('POST', '/connect/link', link_token, {
        integration: 'leadsquared',
        context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey },
      });
      expect(linked.status, linked.text).toBe(201);
      const account = await server.request('GET', `/integrated-account/${linked.body.integrated_account_id}`);
      expect(account.body.context.api_host).toBe(sandbox.url);
    });
  });

  describe('linking', () => {
    it('refuses wrong keys, saves nothing, and leaves the token usable', async () => {
      const { link_token } = await linkToken({ tenant_id: 'wrong-keys', integration: 'leadsquared' });
      const wrong = await call('POST', '/connect/link', link_token, {
        context: { access_key: sandbox.accessKey, secret_key: 'f'.repeat(40), api_host: 'sandbox-1' },
      });
      expect(wrong.status).toBe(422);
      expect(wrong.body).toMatchObject({
        code: 'UNPROCESSABLE',
        details: { error_type: 'validation_error', reason: 'invalid_credentials' },
      });
      expect(wrong.text).not.toContain('f'.repeat(40));
      // Auto-detect: a sandbox refusing the keys says nothing about real keys. The vendor's own host
      // cannot be reached from this machine, so the answer is "could not reach", per host.
      const auto = await call('POST', '/connect/link', link_token, {
        context: { access_key: 'u$rnope', secret_key: 'nope', api_host: 'auto' },
      });
      expect(auto.status).toBe(503);
      expect(auto.body.details).toMatchObject({
        reason: 'unreachable',
        hosts: [
          { host: 'LeadSquared', outcome: 'unreachable' },
          { host: 'Sandbox 1', outcome: 'unauthorized' },
          { host: 'Sandbox 2', outcome: 'unauthorized' },
          { host: 'Sandbox 3', outcome: 'unauthorized' },
          { host: 'Sandbox 4', outcome: 'unreachable' },
        ],
      });
      expect(await accounts('wrong-keys')).toEqual([]);
      expect((await call('GET', '/connect/session', link_token)).status).toBe(200);
    });

    it('checks the entered fields: required, text only, hosts from the list', async () => {
      const { link_token } = await linkToken();
      const missing = await call('POST', '/connect/link', link_token, {
        context: { access_key: '  ', api_host: 'sandbox-1' },
      });
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({
        code: 'MISSING_REQUIRED_FIELDS',
        details: { fields: ['access_key', 'secret_key'] },
      });
      const notText = await call('POST', '/connect/link', link_token, {
        context: { ...goodKeys(), secret_key: 42 },
      });
      expect(notText.status).toBe(400);
      for (const host of [
        'http://127.0.0.1:6379',
        'evil.example.com',
        'api.leadsquared.com.evil.com',
        sandbox.url, // an operator-allowed origin is offered as "sandbox-1", never taken as a raw URL
        'sandbox-9',
      ]) {
        const response = await call('POST', '/connect/link', link_token, {
          context: { ...goodKeys(), api_host: host },
        });
        expect(response.status, host).toBe(400);
        expect(response.body.details.fields).toEqual(['api_host']);
      }
      const otherIntegration = await call('POST', '/connect/link', link_token, {
        integration: 'hubspot',
        context: goodKeys(),
      });
      expect(otherIntegration.status).toBe(400);
      const noBody = await call('POST', '/connect/link', link_token, { integration: 'leadsquared' });
      expect(noBody.status).toBe(400);
    });

    it('links with the sandbox keys: the account is active and listed, then the token is spent', async () => {
      const { link_token } = await linkToken({
        tenant_id: 'linked',
        integration: 'leadsquared',
        redirect_uri: 'https://app.example.com/done?step=2',
      });
      const linked = await call('POST', '/connect/link', link_token, { context: goodKeys() });
      expect(linked.status, linked.text).toBe(201);
      const id = linked.body.integrated_account_id;
      expect(linked.body).toMatchObject({
        integration: 'leadsquared',
        reconnected: false,
        redirect_url: `https://app.example.com/done?step=2&integrated_account_id=${id}&integration=leadsquared`,
        account_name: sandbox.control.data.orgName,
        api_host: 'Sandbox 1',
      });
      expect(linked.text).not.toContain(sandbox.secretKey);
      const listed = await accounts('linked');
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({
        id,
        status: 'active',
        context: { access_key: sandbox.accessKey, api_host: sandbox.url },
      });

      const reuse = await call('POST', '/connect/link', link_token, { context: goodKeys() });
      expect(reuse.status).toBe(410);
      expect(reuse.body.details).toEqual({ error_type: 'invalid_token', reason: 'used' });
      expect((await call('GET', '/connect/session', link_token)).body.details.reason).toBe('used');
      expect(await accounts('linked')).toHaveLength(1);
      expect(server.logs()).not.toContain(sandbox.secretKey);
      expect(server.logs()).not.toContain(link_token);
    });

    it('lets only one of two simultaneous submissions link an account', async () => {
      const { link_token } = await linkToken({ tenant_id: 'race', integration: 'leadsquared' });
      const results = await Promise.all(
        [1, 2, 3].map(() => call('POST', '/connect/link', link_token, { context: goodKeys() })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 410, 410]);
      expect(await accounts('race')).toHaveLength(1);
    });

    it('refuses an expired token on every step', async () => {
      const { link_token } = await linkToken({ tenant_id: 'expired', integration: 'leadsquared' });
      await server.services.db
        .updateTable('link_tokens')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('tenant_id', '=', 'expired')
        .execute();
      const session = await call('GET', '/connect/session', link_token);
      expect(session.status).toBe(410);
      expect(session.body.details.reason).toBe('expired');
      const link = await call('POST', '/connect/link', link_token, { context: goodKeys() });
      expect(link.status).toBe(410);
      expect(await accounts('expired')).toEqual([]);
    });

    it('finds the region with Auto-detect (an operator-allowed sandbox answers UserByAccessKey.Get)', async () => {
      const { link_token } = await linkToken({ tenant_id: 'auto', integration: 'leadsquared' });
      const linked = await call('POST', '/connect/link', link_token, {
        context: { ...goodKeys(), api_host: 'auto' },
      });
      expect(linked.status, linked.text).toBe(201);
      expect(linked.body.api_host).toBe('Sandbox 1');
      const [account] = await accounts('auto');
      expect(account).toMatchObject({ status: 'active', context: { api_host: sandbox.url } });
    });

    it('tells a wrong region from wrong keys and suggests the right host', async () => {
      const keys = { access_key: otherRegion.accessKey, secret_key: otherRegion.secretKey };
      const { link_token } = await linkToken({ tenant_id: 'region', integration: 'leadsquared' });
      const wrong = await call('POST', '/connect/link', link_token, {
        context: { ...keys, api_host: 'sandbox-2' },
      });
      expect(wrong.status).toBe(422);
      expect(wrong.body.details).toEqual({
        error_type: 'validation_error',
        reason: 'wrong_region',
        field: 'api_host',
        suggested_value: 'sandbox-3',
        suggested_label: 'Sandbox 3',
      });
      expect(wrong.body.message).toBe('Your LeadSquared account is on Sandbox 3. You chose Sandbox 2.');
      expect(await accounts('region')).toEqual([]);

      // A host the vendor names is suggested with its region's name.
      otherRegion.control.setSettings({ apiHost: 'api-in21.leadsquared.com' });
      try {
        const named = await call('POST', '/connect/link', link_token, {
          context: { ...keys, api_host: 'sandbox-2' },
        });
        expect(named.body.details).toMatchObject({
          suggested_value: 'api-in21.leadsquared.com',
          suggested_label: 'India (Mumbai)',
        });
        expect(named.body.message).toContain('India (Mumbai) — api-in21.leadsquared.com');
      } finally {
        otherRegion.control.setSettings({ apiHost: '' });
      }

      const right = await call('POST', '/connect/link', link_token, {
        context: { ...keys, api_host: wrong.body.details.suggested_value },
      });
      expect(right.status, right.text).toBe(201);
      const [account] = await accounts('region');
      expect(account).toMatchObject({ status: 'active', context: { api_host: otherRegionHost } });
    });

    it('says when the vendor cannot be reached, and saves nothing', async () => {
      const { link_token } = await linkToken({ tenant_id: 'unreachable', integration: 'leadsquared' });
      const response = await call('POST', '/connect/link', link_token, {
        context: { ...goodKeys(), api_host: 'sandbox-4' },
      });
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        details: { error_type: 'connection_error', reason: 'unreachable' },
      });
      expect(response.body.message).toContain('could not reach LeadSquared');
      expect(await accounts('unreachable')).toEqual([]);
      expect((await call('GET', '/connect/session', link_token)).status).toBe(200);
    });

    it('burns a token after too many refused attempts', async () => {
      const { link_token } = await linkToken({ tenant_id: 'stuffing', integration: 'leadsquared' });
      const attempt = () =>
        call('POST', '/connect/link', link_token, {
          context: { access_key: 'u$rguess', secret_key: 'guess', api_host: 'sandbox-1' },
        });
      for (let i = 0; i < 20; i++) expect((await attempt()).status).toBe(422);
      const blocked = await attempt();
      expect(blocked.status).toBe(410);
      expect(blocked.body.details.reason).toBe('too_many_attempts');
      const withGoodKeys = await call('POST', '/connect/link', link_token, { context: goodKeys() });
      expect(withGoodKeys.status).toBe(410);
    });

    it('never lets parallel attempts past the cap reach the vendor (review finding 3)', async () => {
      for (const parallel of [40, 120]) {
        const { link_token } = await linkToken({
          tenant_id: `parallel-${parallel}`,
          integration: 'leadsquared',
        });
        const before = sandbox.control.stats().total_requests;
        const results = await Promise.all(
          Array.from({ length: parallel }, () =>
            call('POST', '/connect/link', link_token, {
              context: { access_key: 'u$rguess', secret_key: 'guess', api_host: 'sandbox-1' },
            }),
          ),
        );
        const statuses = results.map((r) => r.status);
        expect(statuses.filter((s) => s === 422)).toHaveLength(20);
        expect(statuses.filter((s) => s === 410)).toHaveLength(parallel - 20);
        expect(sandbox.control.stats().total_requests - before).toBe(20);
      }
    });

    it('gives back an attempt the vendor did not refuse', async () => {
      const { link_token } = await linkToken({ tenant_id: 'give-back', integration: 'leadsquared' });
      for (let i = 0; i < 25; i++) {
        const down = await call('POST', '/connect/link', link_token, {
          context: { ...goodKeys(), api_host: 'sandbox-4' },
        });
        expect(down.status).toBe(503);
      }
      expect((await call('POST', '/connect/link', link_token, { context: goodKeys() })).status).toBe(201);
    });
  });

  describe('reconnect', () => {
    it('replaces the credentials of the same account and makes it active again', async () => {
      const { link_token: first } = await linkToken({
        tenant_id: 'reauth',
        integration: 'leadsquared',
        context: { region_note: 'old' },
      });
      const created = await call('POST', '/connect/link', first, { context: goodKeys() });
      const id = created.body.integrated_account_id;
      await server.services.accounts.markNeedsReauth('default', id, 'LeadSquared: Invalid Access Details');
      expect((await server.request('GET', `/integrated-account/${id}`)).body.status).toBe('needs_reauth');

      const other = sandbox.control.addAccount();
      const reconnect = await server.request('POST', '/link-token', { integrated_account_id: id });
      expect(reconnect.status).toBe(201);
      const token = reconnect.body.link_token;
      const session = await call('GET', '/connect/session', token);
      expect(session.body).toMatchObject({ integration: 'leadsquared', reconnect: true });

      const wrong = await call('POST', '/connect/link', token, {
        context: { access_key: other.accessKey, secret_key: 'nope', api_host: 'sandbox-1' },
      });
      expect(wrong.status).toBe(422);
      const still = await server.request('GET', `/integrated-account/${id}`);
      expect(still.body).toMatchObject({
        status: 'needs_reauth',
        context: { access_key: sandbox.accessKey },
      });

      const relinked = await call('POST', '/connect/link', token, {
        context: { access_key: other.accessKey, secret_key: other.secretKey, api_host: 'auto' },
      });
      expect(relinked.status, relinked.text).toBe(200);
      expect(relinked.body).toMatchObject({ integrated_account_id: id, reconnected: true });
      const account = await server.request('GET', `/integrated-account/${id}`);
      expect(account.body).toMatchObject({
        id,
        tenant_id: 'reauth',
        status: 'active',
        last_error: null,
        // Replaced, not merged: the first link token's context is gone.
        context: { access_key: other.accessKey, api_host: sandbox.url },
      });
      expect(account.body.context.region_note).toBeUndefined();
      expect(await accounts('reauth')).toHaveLength(1);
      expect((await call('POST', '/connect/link', token, { context: goodKeys() })).status).toBe(410);
    });

    it('keeps the previous context under the new one with persist_previous_context', async () => {
      const { link_token: first } = await linkToken({
        tenant_id: 'persist',
        integration: 'leadsquared',
        context: { region_note: 'kept' },
      });
      const id = (await call('POST', '/connect/link', first, { context: goodKeys() })).body
        .integrated_account_id;
      const { link_token } = await linkToken({ integrated_account_id: id, persist_previous_context: true });
      expect((await call('POST', '/connect/link', link_token, { context: goodKeys() })).status).toBe(200);
      const account = await server.request('GET', `/integrated-account/${id}`);
      expect(account.body.context).toMatchObject({ region_note: 'kept', api_host: sandbox.url });
    });

    it('refuses a reconnect token once the account is gone, and another environment’s account', async () => {
      const { link_token: first } = await linkToken({ tenant_id: 'gone', integration: 'leadsquared' });
      const id = (await call('POST', '/connect/link', first, { context: goodKeys() })).body
        .integrated_account_id;
      const { link_token } = await linkToken({ integrated_account_id: id });
      await server.request('DELETE', `/integrated-account/${id}`);
      const session = await call('GET', '/connect/session', link_token);
      expect(session.status).toBe(410);
      expect(session.body.details.reason).toBe('account_gone');

      const { link_token: second } = await linkToken({ tenant_id: 'mine', integration: 'leadsquared' });
      const mine = (await call('POST', '/connect/link', second, { context: goodKeys() })).body
        .integrated_account_id;
      const env = await createEnvironment(server.services.db, 'elsewhere');
      const { token } = await createApiToken(server.services.db, env.id, 'elsewhere');
      const foreign = await server.request(
        'POST',
        '/link-token',
        { integrated_account_id: mine },
        { authorization: `Bearer ${token}` },
      );
      expect(foreign.status).toBe(404);
    });
  });
});

describe('auto-detect without SWITCHBOARD_CONNECT_SANDBOXES (review finding 2)', () => {
  let server: TestServer;
  let fake: Listener;

  beforeAll(async () => {
    // An operator-allowed upstream that would claim any keys (and so receive a customer's secret).
    fake = await startRecordingListener('127.0.0.1', (response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          Name: 'Fake',
          OrgDisplayName: 'Fake',
          LSQCommonServiceURLs: { api: '127.0.0.1' },
        }),
      ),
    );
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: fake.url });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('probes only the vendor’s own hosts, never offers or accepts operator origins, and says which host failed', async () => {
    const created = await server.request('POST', '/link-token', {
      tenant_id: 'acme',
      integration: 'leadsquared',
    });
    const token = created.body.link_token as string;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    // biome-ignore lint/suspicious/noExplicitAny: the session JSON as the page reads it
    const session: any = await (await fetch(`${server.url}/connect/session`, { headers })).json();
    const options = session.integrations[0].fields.find(
      (f: { name: string }) => f.name === 'api_host',
    ).options;
    expect(JSON.stringify(options)).not.toContain(fake.url);
    expect(options.some((o: { value: string }) => o.value.startsWith('sandbox-'))).toBe(false);

    const keys = { access_key: 'u$rcustomer', secret_key: 'customer-secret-value' };
    const auto = await fetch(`${server.url}/connect/link`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ context: { ...keys, api_host: 'auto' } }),
    });
    expect(auto.status).toBe(503);
    expect(((await auto.json()) as { details: unknown }).details).toMatchObject({
      reason: 'unreachable',
      hosts: [{ host: 'LeadSquared', outcome: 'unreachable' }],
    });
    for (const api_host of [fake.url, 'sandbox-1']) {
      const chosen = await fetch(`${server.url}/connect/link`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ context: { ...keys, api_host } }),
      });
      expect(chosen.status, api_host).toBe(400);
    }
    expect(fake.received).toEqual([]);
    expect(server.logs()).not.toContain('customer-secret-value');
  });
});

describe('per-IP limit on the public connect endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SWITCHBOARD_CONNECT_RATE_LIMIT: '5' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 429 in the envelope, with Retry-After, past the limit', async () => {
    const headers = { authorization: 'Bearer lt_notarealtokennotarealtokennotarealtoken1' };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await fetch(`${server.url}/connect/session`, { headers })).status);
    expect(statuses).toEqual([410, 410, 410, 410, 410]);
    const limited = await fetch(`${server.url}/connect/link`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ context: {} }),
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    // The API itself is not limited per IP.
    expect((await server.request('GET', '/integrated-account')).status).toBe(200);
  });
});
