/**
 * The raw outbound HTTP call (undici, pooled keep-alive connections). Auth injection happens here and only
 * here, so credentials never pass through routes or logs. Resilience (pacing, retries, breaker) wraps this.
 */
import { Agent, request } from 'undici';
import type { UpstreamCall, UpstreamResponse } from './types.ts';

const agent = new Agent({ keepAliveTimeout: 10_000, connections: 128 });

export interface PreparedCall extends UpstreamCall {
  /** scheme://host[:port] already checked by the host guard. */
  origin: string;
  basePath: string;
  auth: { headers?: Record<string, string>; query?: Record<string, string> };
  timeoutMs: number;
  signal?: AbortSignal;
}

export function buildUrl(call: Pick<PreparedCall, 'origin' | 'basePath' | 'path' | 'query' | 'auth'>): URL {
  const url = new URL(`${call.basePath}${call.path.startsWith('/') ? '' : '/'}${call.path}`, call.origin);
  for (const [key, value] of Object.entries(call.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  for (const [key, value] of Object.entries(call.auth.query ?? {})) url.searchParams.set(key, value);
  return url;
}

export async function sendUpstream(call: PreparedCall): Promise<UpstreamResponse> {
  const hasBody = call.body !== undefined;
  const response = await request(buildUrl(call), {
    method: call.method,
    dispatcher: agent,
    headers: {
      accept: 'application/json',
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
      ...call.headers,
      ...call.auth.headers,
    },
    body: hasBody ? JSON.stringify(call.body) : undefined,
    headersTimeout: call.timeoutMs,
    bodyTimeout: call.timeoutMs,
    signal: call.signal,
  });
  const text = await response.body.text();
  const contentType = String(response.headers['content-type'] ?? '');
  let body: unknown = text;
  if (text && (contentType.includes('json') || /^\s*[[{]/.test(text))) {
    try {
      body = JSON.parse(text);
    } catch (error) {
      if (contentType.includes('json')) {
        throw new UpstreamBodyError(`the vendor sent malformed JSON (${(error as Error).message})`);
      }
    }
  }
  return { status: response.statusCode, headers: response.headers, body };
}

export class UpstreamBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamBodyError';
  }
}
