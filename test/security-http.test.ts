/**
 * What reaches the server before any route runs (review findings 4, 5 and 9): malformed HTTP is never
 * logged raw (at any log level), deeply nested JSON is a 400 rather than a stack overflow, and every
 * error, Fastify's and Node's early ones included, uses the envelope with a listed code.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../src/errors.ts';
import { type LeadSquaredSandbox, startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { rawRequest } from './support/raw-http.ts';
import { startTestServer, type TestServer } from './support/server.ts';

/** Writes bytes on a fresh connection and returns everything the server answered before closing. */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(5000, () => socket.destroy());
  });
}

function envelopeOf(answer: string): { status: number; body: Record<string, unknown> } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
  return { status, body };
}

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

describe('early errors and raw requests', () => {
  let server: TestServer;
  let sandbox: LeadSquaredSandbox;
  let accountId: string;
  const SECRET = 'secret-key-that-must-never-be-logged';

  beforeAll(async () => {
    sandbox = await startLeadSquaredSandbox({ users: 5, seed: 1, rateLimit: false });
    server = await startTestServer({ LOG_LEVEL: 'trace', SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
    const created = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'acme',
      context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
    });
    accountId = created.body.id;
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it('never logs a malformed request raw, even at trace level (finding 4)', async () => {
    const badHeader = await rawExchange(
      server.url,
      `GET /integrated-account HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\nBad Header Line\r\n\r\n`,
    );
    expect(envelopeOf(badHeader)).toMatchObject({
      status: 400,
      body: { statusCode: 400, code: 'INVALID_REQUEST' },
    });
    const body = JSON.stringify({
      integration: 'leadsquared',
      tenant_id: 'x',
      context: { secret_key: SECRET },
    });
    const badChunk = await rawExchange(
      server.url,
      `POST /integrated-account HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\n` +
        `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n${body}\r\n0\r\n\r\n`,
    );
    expect(envelopeOf(badChunk).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const logs = server.logs();
    expect(logs).toContain('malformed HTTP request');
    expect(logs).not.toContain(server.token);
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain('rawPacket');
  });

  it('answers 431 for oversized headers, in the envelope', async () => {
    const answer = await rawExchange(
      server.url,
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(envelopeOf(answer)).toMatchObject({
      status: 431,
      body: { statusCode: 431, code: 'HEADERS_TOO_LARGE' },
    });
  });

  it('answers malformed URLs and overlong parameters in the envelope', async () => {
    const badUrl = await rawRequest(server.url, 'GET', '/unified/%E0%A4%A/users', {
      authorization: `Bearer ${server.token}`,
    });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body).toMatchObject({ statusCode: 400, code: 'INVALID_REQUEST' });
    const long = await rawRequest(server.url, 'GET', `/integrated-account/${'a'.repeat(5000)}`, {
      authorization: `Bearer ${server.token}`,
    });
    expect(long.status).toBe(414);
    expect(long.body).toMatchObject({ statusCode: 414, code: 'URI_TOO_LONG' });
  });

  it('refuses deeply nested JSON with 400 before hashing or copying it (finding 5)', async () => {
    const deep = nested(100_000);
    const auth = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
    for (const [path, extra] of [
      ['/link-token', {}],
      [`/proxy/users?integrated_account_id=${accountId}`, {}],
      [
        `/custom/UserManagement.svc/User/Create?integrated_account_id=${accountId}`,
        { 'idempotency-key': 'deep-1' },
      ],
      [`/unified/user-directory/users?integrated_account_id=${accountId}`, { 'idempotency-key': 'deep-2' }],
    ] as const) {
      const response = await rawRequest(server.url, 'POST', path, { ...auth, ...extra }, deep);
      expect(response.status, `${path}: ${response.text.slice(0, 200)}`).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'BODY_TOO_DEEP' });
    }
    // Moderate nesting is fine.
    const ok = await rawRequest(
      server.url,
      'POST',
      '/link-token',
      auth,
      JSON.stringify({ tenant_id: 't', context: JSON.parse(nested(20)) }),
    );
    expect(ok.status, ok.text).toBe(201);
  });

  it('refuses NUL characters in URLs and JSON bodies (no database column takes them)', async () => {
    const auth = { authorization: `Bearer ${server.token}` };
    for (const target of [
      '/integrated-account/%00x',
      '/integrated-account?tenant_id=a%00b',
      `/unified/crm/users?integrated_account_id=${accountId}&email=a%00`,
    ]) {
      const response = await rawRequest(server.url, 'GET', target, auth);
      expect(response.status, target).toBe(400);
      expect(response.body.code).toBe('INVALID_REQUEST');
    }
    const body = await rawRequest(
      server.url,
      'POST',
      '/link-token',
      { ...auth, 'content-type': 'application/json' },
      '{"tenant_id":"a\\u0000b"}',
    );
    expect(body.status, body.text).toBe(400);
    const escaped = await rawRequest(
      server.url,
      'POST',
      '/link-token',
      { ...auth, 'content-type': 'application/json' },
      '{"tenant_id":"a\\\\u0000b"}',
    );
    expect(escaped.status, escaped.text).toBe(201);
  });

  it('uses only listed codes in every error it answered above', () => {
    expect(Object.keys(ERROR_STATUS)).toEqual(
      expect.arrayContaining(['BODY_TOO_DEEP', 'HEADERS_TOO_LARGE', 'URI_TOO_LONG', 'INVALID_REQUEST']),
    );
  });
});
