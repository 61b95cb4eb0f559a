/**
 * Request hygiene over real HTTP: a client's `x-request-id` is echoed only when it is short and plain, and
 * the one access-log line per request keeps secrets in query strings out of the log.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Sends bytes fetch would refuse to send (CR, LF, raw UTF-8 in a header) and returns the response head. */
async function rawRequest(url: string, headerLines: Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('end', () => resolve(answer.split('\r\n\r\n')[0] ?? ''));
    socket.on('error', reject);
    socket.write(
      Buffer.concat([
        Buffer.from(`GET /health HTTP/1.1\r\nhost: ${hostname}\r\nconnection: close\r\n`),
        headerLines,
        Buffer.from('\r\n'),
      ]),
    );
  });
}

describe('request hygiene', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('x-request-id', () => {
    it('echoes a plain id of at most 128 characters', async () => {
      for (const id of ['req-42', 'a1B2.c3:d4_e5-f6', 'x'.repeat(128), crypto.randomUUID()]) {
        const response = await server.request('GET', '/health', undefined, { 'x-request-id': id });
        expect(response.headers.get('x-request-id')).toBe(id);
      }
    });

    it('replaces an id that is too long or has other characters with a fresh UUID', async () => {
      for (const id of [
        'x'.repeat(129),
        'x'.repeat(10_240),
        'has space',
        'tab\there',
        'semi;colon',
        '<script>alert(1)</script>',
        'caf\u00e9', // sent as the single byte 0xE9
      ]) {
        const response = await server.request('GET', '/health', undefined, { 'x-request-id': id });
        expect(response.status).toBe(200);
        expect(response.headers.get('x-request-id'), id.slice(0, 20)).toMatch(UUID);
      }
      // Two headers arrive joined as "a, b".
      const twice = await fetch(`${server.url}/health`, {
        headers: [
          ['x-request-id', 'first'],
          ['x-request-id', 'second'],
        ],
      });
      expect(twice.headers.get('x-request-id')).toMatch(UUID);
    });

    it('never echoes CR, LF or raw UTF-8 bytes', async () => {
      const utf8 = await rawRequest(
        server.url,
        Buffer.from('x-request-id: r\u00e9q\u2028\u{1F600}\r\n', 'utf8'),
      );
      expect(utf8).toMatch(/^HTTP\/1\.1 200/);
      expect(utf8).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/i);
      for (const injected of [
        'x-request-id: abc\rset-cookie: x=1\r\n',
        'x-request-id: abc\nset-cookie: x=1\r\n',
      ]) {
        const head = await rawRequest(server.url, Buffer.from(injected));
        expect(head.toLowerCase()).not.toContain('set-cookie');
        expect(head).not.toMatch(/x-request-id: abc/i);
      }
    });
  });

  describe('the access log', () => {
    const accessLines = () =>
      server
        .logs()
        .split('\n')
        .filter((line) => line.includes('request completed'));

    it('logs a link token sent in a query string as [redacted]', async () => {
      const token = `lt_${'Q'.repeat(40)}`;
      const response = await server.request('GET', `/connect/session?link_token=${token}`, undefined, {
        authorization: '',
      });
      expect(response.status).toBe(401);
      expect(server.logs()).not.toContain(token);
      const line = accessLines().find((l) => l.includes('/connect/session'));
      expect(line).toContain('link_token=[redacted]');
    });

    it('redacts every sensitive parameter, in any case and in bracketed or encoded names', async () => {
      const secrets = {
        token: 'sec-token-1',
        Access_Token: 'sec-access-2',
        REFRESH_TOKEN: 'sec-refresh-3',
        code: 'sec-code-4',
        state: 'sec-state-5',
        code_verifier: 'sec-verifier-6',
        client_secret: 'sec-client-7',
        'context[secret_key]': 'sec-secretkey-8',
        'context[api_key]': 'sec-apikey-9',
        password: 'sec-password-10',
        'link%5Ftoken': 'sec-encoded-11',
        'access_token[]': 'sec-array-12',
      };
      const query = Object.entries(secrets)
        .map(([name, value]) => `${name}=${value}`)
        .join('&');
      await server.request('GET', `/integrated-account?tenant_id=visible-tenant&${query}&limit=5`);
      const line = accessLines().find((l) => l.includes('visible-tenant'));
      expect(line).toBeTruthy();
      for (const value of Object.values(secrets)) expect(server.logs()).not.toContain(value);
      expect(line).toContain('context[secret_key]=[redacted]');
      expect(line).toContain('limit=5');
    });

    it('keeps the secret in a callback URL path out of the log', async () => {
      const secret = `cb_${'Z'.repeat(40)}`;
      const response = await server.request('POST', `/callbacks/async/${secret}`, {});
      expect(response.status).toBe(404);
      expect(server.logs()).not.toContain(secret);
      expect(accessLines().some((l) => l.includes('/callbacks/async/[redacted]'))).toBe(true);
    });
  });
});
