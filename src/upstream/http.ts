/**
 * The raw outbound HTTP call (undici, pooled keep-alive connections). Auth injection happens here and only
 * here, so credentials never pass through routes or logs. The URL is built by the origin guard
 * (`origin-guard.ts`) before anything is sent; redirects are never followed. Resilience (pacing, retries,
 * breaker) wraps this.
 */
import { Agent, request } from 'undici';
import { type GuardedUrl, guardUpstreamUrl } from './origin-guard.ts';
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

/** The final URL of a call, through the origin guard (throws 400 `UPSTREAM_PATH_NOT_ALLOWED`). */
export function buildUrl(
  call: Pick<PreparedCall, 'origin' | 'basePath' | 'path' | 'absoluteUrl' | 'query'>,
): GuardedUrl {
  return guardUpstreamUrl(
    { origin: call.origin, basePath: call.basePath },
    { path: call.path, absoluteUrl: call.absoluteUrl },
    call.query,
  );
}

/** One request to a guarded URL; the auth's query parameters (if any) are added to a copy of it. */
export interface OutboundRequest {
  url: GuardedUrl;
  method: UpstreamCall['method'];
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent as `application/x-www-form-urlencoded` instead of a JSON body (OAuth token requests). */
  form?: Record<string, string>;
  auth: PreparedCall['auth'];
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Guards the call's URL, then sends it. */
export function sendUpstream(call: PreparedCall): Promise<UpstreamResponse> {
  return sendGuarded({ ...call, url: buildUrl(call) });
}

export async function sendGuarded(call: OutboundRequest): Promise<UpstreamResponse> {
  let url: URL = call.url;
  if (call.auth.query && Object.keys(call.auth.query).length > 0) {
    url = new URL(call.url);
    for (const [key, value] of Object.entries(call.auth.query)) url.searchParams.set(key, value);
  }
  const hasBody = call.body !== undefined || call.form !== undefined;
  const response = await request(url, {
    method: call.method,
    dispatcher: agent,
    headers: {
      accept: 'application/json',
      ...(hasBody
        ? { 'content-type': call.form ? 'application/x-www-form-urlencoded' : 'application/json' }
        : {}),
      ...call.headers,
      ...call.auth.headers,
    },
    body: call.form
      ? new URLSearchParams(call.form).toString()
      : hasBody
        ? JSON.stringify(call.body)
        : undefined,
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
