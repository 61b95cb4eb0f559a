/**
 * The foundation through the real HTTP interface, on whichever database this run uses (SQLite by default,
 * PostgreSQL when DATABASE_URL is set, as on CI).
 */

import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, createEnvironment } from '../src/store/tenancy.ts';
import { startTestServer, TEST_DATABASES, type TestServer } from './support/server.ts';

const SECRET = `${'f'.repeat(36)}SECRETVALUE`;
// Nothing listens on port 9 (discard): validation fails fast and is recorded, which is what these tests need.
const UNREACHABLE = 'http://127.0.0.1:9';

describe.each(TEST_DATABASES)('foundation on %s', (database) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: UNREACHABLE }, database);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers health and metrics without a token', async () => {
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('switchboard_http_request_duration_seconds');
  });

  it('refuses a missing or invalid token with the 401 envelope', async () => {
    const missing = await fetch(`${server.url}/integrated-account`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.stringContaining('Bearer'),
      code: 'UNAUTHORIZED',
    });
    const wrong = await server.request('GET', '/integrated-account', undefined, {
      authorization: 'Bearer nope',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('UNAUTHORIZED');
  });

  it('answers an unknown route with the 404 envelope and a request id', async () => {
    const response = await server.request('GET', '/no-such-route');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'ROUTE_NOT_FOUND' });
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('rejects malformed JSON with 400 and an oversized body with 413', async () => {
    const malformed = await server.request('POST', '/integrated-account', '{"tenant_id": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ statusCode: 400, code: 'INVALID_JSON' });
    const huge = await server.request('POST', '/integrated-account', {
      tenant_id: 'x'.repeat(2_000_000),
      context: {},
    });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ statusCode: 413, code: 'BODY_TOO_LARGE' });
  });

  it('validates input: unknown integration, missing fields, bad limit', async () => {
    const unknown = await server.request('POST', '/integrated-account', {
      integration: 'nope',
      tenant_id: 't',
      context: {},
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('unknown integration');
    const missing = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 't',
      context: { access_key: 'a' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('MISSING_REQUIRED_FIELDS');
    expect(missing.body.truto_error_insight.missing_required_body_fields.value).toEqual([
      'context.secret_key',
      'context.api_host',
    ]);
    const noTenant = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      context: {},
    });
    expect(noTenant.status).toBe(400);
    expect(noTenant.body.message).toContain('tenant_id');
    const badLimit = await server.request('GET', '/integrated-account?limit=0');
    expect(badLimit.status).toBe(400);
  });

  it('refuses an upstream host the integration does not serve, naming why', async () => {
    for (const host of [
      'evil.example.com',
      'http://api.leadsquared.com',
      'http://127.0.0.1:6379',
      'api.leadsquared.com/x',
    ]) {
      const response = await server.request('POST', '/integrated-account', {
        integration: 'leadsquared',
        tenant_id: 't',
        context: { access_key: 'ak', secret_key: SECRET, api_host: host },
      });
      expect(response.status, host).toBe(400);
      expect(response.body.code).toBe('UPSTREAM_HOST_NOT_ALLOWED');
      expect(response.text).not.toContain(SECRET);
    }
  });

  describe('an integrated account', () => {
    let id: string;

    beforeAll(async () => {
      const created = await server.request('POST', '/integrated-account', {
        integration: 'leadsquared',
        tenant_id: 'acme',
        context: { access_key: 'u$rkey', secret_key: SECRET, api_host: UNREACHABLE },
      });
      expect(created.status).toBe(201);
      id = created.body.id;
    });

    it('records the failed validation and never returns the secret', async () => {
      const got = await server.request('GET', `/integrated-account/${id}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({
        id,
        tenant_id: 'acme',
        integration: 'leadsquared',
        status: 'validation_error',
        context: { access_key: 'u$rkey', api_host: UNREACHABLE },
        secret_context_fields: ['secret_key'],
      });
      expect(got.body.last_error).toContain('could not reach');
      expect(got.text).not.toContain(SECRET);
    });

    it('lists with filters and a signed cursor', async () => {
      for (const tenant of ['acme', 'globex', 'globex']) {
        await server.request('POST', '/integrated-account', {
          integration: 'leadsquared',
          tenant_id: tenant,
          context: { access_key: 'k', secret_key: SECRET, api_host: UNREACHABLE },
        });
      }
      const first = await server.request('GET', '/integrated-account?limit=2');
      expect(first.body.result).toHaveLength(2);
      expect(first.body.next_cursor).toBeTruthy();
      const second = await server.request(
        'GET',
        `/integrated-account?limit=2&next_cursor=${first.body.next_cursor}`,
      );
      expect(second.body.result).toHaveLength(2);
      expect(second.body.next_cursor).toBeNull();
      const ids = [...first.body.result, ...second.body.result].map((a: { id: string }) => a.id);
      expect(new Set(ids).size).toBe(4);
      const globex = await server.request('GET', '/integrated-account?tenant_id=globex');
      expect(globex.body.result.map((a: { tenant_id: string }) => a.tenant_id)).toEqual(['globex', 'globex']);
      const tampered = await server.request(
        'GET',
        `/integrated-account?next_cursor=${first.body.next_cursor}x`,
      );
      expect(tampered.status).toBe(400);
      expect(tampered.body.code).toBe('INVALID_CURSOR');
    });

    it('merges context on PATCH and keeps secrets sealed', async () => {
      const patched = await server.request('PATCH', `/integrated-account/${id}`, {
        context: { region_note: 'eu' },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.context).toEqual({
        access_key: 'u$rkey',
        api_host: UNREACHABLE,
        authentication_method: 'api_key',
        region_note: 'eu',
      });
      expect(patched.text).not.toContain(SECRET);
    });

    it('is invisible to another environment', async () => {
      const other = await createEnvironment(server.services.db, 'other');
      const { token } = await createApiToken(server.services.db, other.id, 'other');
      const asOther = { authorization: `Bearer ${token}` };
      expect((await server.request('GET', `/integrated-account/${id}`, undefined, asOther)).status).toBe(404);
      expect(
        (await server.request('PATCH', `/integrated-account/${id}`, { tenant_id: 'x' }, asOther)).status,
      ).toBe(404);
      expect((await server.request('DELETE', `/integrated-account/${id}`, undefined, asOther)).status).toBe(
        404,
      );
      const list = await server.request('GET', '/integrated-account', undefined, asOther);
      expect(list.body.result).toEqual([]);
    });

    it('keeps the secret out of the logs and out of the raw database', async () => {
      expect(server.logs().length).toBeGreaterThan(0);
      expect(server.logs()).not.toContain(SECRET);
      let raw: string;
      if (server.schema) {
        const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
        await client.connect();
        const { rows } = await client.query(`select * from ${server.schema}.integrated_accounts`);
        await client.end();
        raw = JSON.stringify(rows);
      } else {
        const db = new DatabaseSync(path.join(server.dataDir, 'switchboard.db'), { readOnly: true });
        raw = JSON.stringify(db.prepare('select * from integrated_accounts').all());
        db.close();
      }
      expect(raw).toContain('u$rkey');
      expect(raw).not.toContain(SECRET);
      expect(raw).not.toContain(Buffer.from(SECRET).toString('base64'));
    });

    it('deletes and answers { id }', async () => {
      const deleted = await server.request('DELETE', `/integrated-account/${id}`);
      expect(deleted.body).toEqual({ id });
      expect((await server.request('GET', `/integrated-account/${id}`)).status).toBe(404);
    });
  });

  it('serves an OpenAPI 3.1 document and a docs page', async () => {
    const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: object;
    };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toContain('/integrated-account');
    expect((await fetch(`${server.url}/docs`)).status).toBe(200);
  });
});
