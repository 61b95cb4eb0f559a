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
});
