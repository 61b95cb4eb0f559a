/**
 * Requests sent byte-for-byte as written (no URL normalisation by a client library: `fetch` would turn
 * `\` into `/` and resolve `..` before anything leaves), and listeners that record every request they get.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server answered
  body: any;
}

/** Sends `method target` with the target exactly as given (it may hold `\`, `..`, raw `%` escapes). */
export function rawRequest(
  baseUrl: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: base.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: base.port,
        method,
        path: target,
        headers: { ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body: parsed });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Listener {
  url: string;
  port: number;
  /** Every request this listener received. */
  received: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP listener standing in for an attacker's host (or a misbehaving vendor): it remembers every
 * request and answers 200 `{}`, or as `respond` says.
 */
export async function startRecordingListener(
  host = '127.0.0.1',
  respond: (response: http.ServerResponse) => void = (response) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"stolen":true}'),
): Promise<Listener> {
  const received: RecordedRequest[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      respond(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
