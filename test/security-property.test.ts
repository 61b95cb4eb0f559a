/**
 * A property test over the public routes (fast-check): random paths built from the fragments attacks
 * are made of (slashes, backslashes, dot segments, percent-escapes in one to three layers, foreign hosts),
 * random query strings, headers and JSON bodies, against a running server with a LeadSquared and a
 * HubSpot account on their sandboxes. Whatever is sent: no 5xx of Switchboard's own, every error in the
 * envelope with a listed code, and no request reaches anything but the accounts' own sandboxes.
 *
 * Bounded for CI (a fixed seed, 2,000 cases); `SWITCHBOARD_PROPERTY_RUNS=100000` runs longer and
 * `SWITCHBOARD_PROPERTY_SEED` picks another seed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../src/errors.ts';
import { type HubSpotSandbox, startHubSpotSandbox } from '../src/sandboxes/hubspot/index.ts';
import { type LeadSquaredSandbox, startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { type Listener, rawRequest, startRecordingListener } from './support/raw-http.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const RUNS = Number(process.env['SWITCHBOARD_PROPERTY_RUNS'] ?? 2000);
const SEED = Number(process.env['SWITCHBOARD_PROPERTY_SEED'] ?? 20261201);

/** Only what Node's HTTP client refuses to put on the request line is escaped; the rest goes as it is. */
function sendable(text: string): string {
  return text.replace(/[^\u0021-\u007e]/gu, (c) => encodeURIComponent(c));
}

describe('public routes under random input', () => {
  let leadsquared: LeadSquaredSandbox;
  let hubspot: HubSpotSandbox;
  let decoys: Listener[];
  let server: TestServer;
  let accounts: string[];

  beforeAll(async () => {
    leadsquared = await startLeadSquaredSandbox({ users: 10, seed: 5, rateLimit: false });
    hubspot = await startHubSpotSandbox({ owners: 10, rateLimit: null });
    decoys = await Promise.all([startRecordingListener('127.0.0.1'), startRecordingListener('::1')]);
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: `${leadsquared.url},${hubspot.url}` });
    const lsq = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'prop',
      context: {
        access_key: leadsquared.accessKey,
        secret_key: leadsquared.secretKey,
        api_host: leadsquared.url,
      },
    });
    const hs = await server.request('POST', '/integrated-account', {
      integration: 'hubspot',
      tenant_id: 'prop',
      context: { access_token: hubspot.token, api_origin: hubspot.url },
    });
    accounts = [lsq.body.id, hs.body.id];
    for (const id of accounts) {
      await server.request('PATCH', `/integrated-account/${id}`, {
        rate_limit: { calls: 100_000, window_seconds: 1 },
      });
    }
  });
  afterAll(async () => {
    await server?.close();
    await leadsquared?.close();
    await hubspot?.close();
    for (const decoy of decoys ?? []) await decoy.close();
  });

  it('never answers 5xx of its own, always uses the envelope, and never calls a foreign host', async () => {
    const foreign = decoys.flatMap((d) => [
      d.url.replace(/^http:\/\//, ''),
      `${d.url.includes('[') ? '[::1]' : '127.0.0.1'}:${d.port}`,
    ]);
    const fragment = fc.oneof(
      fc.constantFrom(
        '/',
        '//',
        '\\',
        '%2F',
        '%2f',
        '%5C',
        '%5c',
        '..',
        '.',
        '%2e',
        '%2E%2E',
        '%252e%252e',
        '%25252F',
        '%',
        '%ZZ',
        '%00',
        '%0d%0a',
        '@',
        ':',
        ';',
        '?',
        '#',
        '&',
        '=',
        'http:',
        'https:',
        'file:',
        'localhost',
        '[::1]',
        '0x7f.1',
        'é',
        '%E2%80%AE',
        '%20',
        '+',
        '~',
        '*',
        '$metadata',
        '{id}',
        'UserManagement.svc',
        'Users.Get',
        'User',
        'AdvancedSearch',
        'crm',
        'v3',
        'owners',
        'users',
        'user-directory',
        'groups',
        'meta',
        'list',
        'me',
      ),
      fc.constantFrom(...foreign),
      fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/),
    );
    const prefix = fc.constantFrom(
      '/custom/',
      '/custom',
      '/proxy/',
      '/proxy/owners/',
      '/proxy/users/',
      '/proxy/user-search',
      '/unified/crm/users/',
      '/unified/user-directory/users/',
      '/unified/user-directory/groups/meta/',
      '/integrated-account/',
      '/link-token/',
      '/connect/',
      '/webhook/',
      '/sync-job-run/',
      '/',
      '//',
      '/%2e%2e/',
    );
    const path = fc
      .tuple(prefix, fc.array(fragment, { maxLength: 8 }))
      .map(([p, parts]) => p + parts.join(''));
    const value = fc.oneof(fragment, fc.string({ maxLength: 20 }), fc.constantFrom(...accounts));
    const query = fc
      .dictionary(
        fc.oneof(
          fc.constantFrom(
            'integrated_account_id',
            'limit',
            'next_cursor',
            'sort_by',
            'email',
            'remote_query[email]',
            'truto_key_by',
            'truto_response_format',
            'created_at[gte]',
            'status[in][]',
            'x',
            '__proto__',
          ),
          fc.stringMatching(/^[a-z_[\]]{1,10}$/),
        ),
        value,
        { maxKeys: 5 },
      )
      .map((entries) =>
        Object.entries(entries)
          .map(([k, v]) => `${encodeURIComponent(k)}=${v.length % 2 ? sendable(v) : encodeURIComponent(v)}`)
          .join('&'),
      );
    const account = fc.constantFrom(...accounts, 'not-an-account', '');
    const method = fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE');
    const body = fc.oneof(
      fc.json({ depthSize: 'small' }),
      fc.constant(''),
      fc.string({ maxLength: 50 }),
      fc.constant(
        '{"context":{"api_host":"http://127.0.0.1:1"},"integration":"leadsquared","tenant_id":"x"}',
      ),
    );
    const headers = fc.record(
      {
        'content-type': fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-8',
        ),
        'x-request-id': fc.string({ maxLength: 300 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
        'idempotency-key': fc.stringMatching(/^[A-Za-z0-9-]{1,40}$/),
      },
      { requiredKeys: [] },
    );

    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(path, query, account, method, body, headers, async (p, q, id, m, b, h) => {
        const target = sendable(`${p}?${q}${q ? '&' : ''}integrated_account_id=${id}`);
        const withBody = m !== 'GET' && m !== 'DELETE';
        const response = await rawRequest(
          server.url,
          m,
          target,
          {
            authorization: `Bearer ${server.token}`,
            ...(withBody ? h : { 'x-request-id': h['x-request-id'] ?? 'x' }),
          },
          withBody ? b : undefined,
        );
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        const vendorFailure = response.status === 502 && response.body?.truto_is_remote_error === true;
        expect(
          response.status < 500 || vendorFailure,
          `${m} ${target} → ${response.status} ${response.text.slice(0, 300)}`,
        ).toBe(true);
        if (response.status >= 400) {
          expect(response.body, `${m} ${target}`).toMatchObject({
            statusCode: response.status,
            error: expect.any(String),
            message: expect.any(String),
          });
          expect(Object.keys(ERROR_STATUS), `${m} ${target}: ${response.text.slice(0, 200)}`).toContain(
            response.body.code,
          );
        }
        for (const decoy of decoys) expect(decoy.received, `${m} ${target}`).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(
      `statuses: ${JSON.stringify(Object.fromEntries(seen))}; leadsquared ${leadsquared.control.stats().total_requests} calls, hubspot ${hubspot.control.stats().total}`,
    );
    // Each sandbox was only ever asked for its own host, never for an absolute-form target elsewhere.
    const own = (url: string) => new URL(url).host;
    expect(Object.keys(leadsquared.control.stats().hosts)).toEqual([own(leadsquared.url)]);
    expect(leadsquared.control.stats().absolute_targets).toEqual([]);
    expect(Object.keys(hubspot.control.stats().hosts)).toEqual([own(hubspot.url)]);
    expect(hubspot.control.stats().absoluteTargets).toEqual([]);
    // The random input did reach both sandboxes (the property is not vacuous).
    expect(leadsquared.control.stats().total_requests).toBeGreaterThan(0);
    expect(hubspot.control.stats().total).toBeGreaterThan(0);
    expect([...seen.keys()].some((s) => s === 200)).toBe(true);
  }, 600_000);
});
