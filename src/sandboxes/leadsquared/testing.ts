/**
 * Test helpers: a real HTTP client for the sandbox (no mocks) that authenticates by query string
 * or headers and parses JSON when it can.
 */
import { type LeadSquaredSandbox, type LeadSquaredSandboxOptions, startLeadSquaredSandbox } from './start.ts';

export interface CallOptions {
  body?: unknown;
  query?: Record<string, string>;
  /** How to send the keys (default: headers). */
  auth?: 'query' | 'headers' | 'none';
  keys?: { accessKey: string; secretKey: string };
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface CallResult<T = unknown> {
  status: number;
  text: string;
  json: T;
  headers: Headers;
}

export class LsqClient {
  readonly sandbox: LeadSquaredSandbox;

  constructor(sandbox: LeadSquaredSandbox) {
    this.sandbox = sandbox;
  }

  async call<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<CallResult<T>> {
    const keys = options.keys ?? { accessKey: this.sandbox.accessKey, secretKey: this.sandbox.secretKey };
    const url = new URL(path, this.sandbox.url);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { ...options.headers };
    const auth = options.auth ?? 'headers';
    if (auth === 'query') {
      url.searchParams.set('accessKey', keys.accessKey);
      url.searchParams.set('secretKey', keys.secretKey);
    } else if (auth === 'headers') {
      headers['x-LSQ-AccessKey'] = keys.accessKey;
      headers['x-LSQ-SecretKey'] = keys.secretKey;
    }
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url, { method, headers, body, signal: options.signal });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json: json as T, headers: res.headers };
  }

  get<T = unknown>(path: string, options?: CallOptions): Promise<CallResult<T>> {
    return this.call<T>('GET', path, options);
  }

  post<T = unknown>(path: string, body?: unknown, options?: CallOptions): Promise<CallResult<T>> {
    return this.call<T>('POST', path, { ...options, body });
  }
}

/** Starts a small sandbox with the rate limit off unless asked for. */
export async function startTestSandbox(
  options: LeadSquaredSandboxOptions = {},
): Promise<{ sandbox: LeadSquaredSandbox; lsq: LsqClient }> {
  const sandbox = await startLeadSquaredSandbox({
    users: 300,
    rateLimit: false,
    asyncDelayMs: 20,
    ...options,
  });
  return { sandbox, lsq: new LsqClient(sandbox) };
}

export const MX_INVALID_ACCESS = {
  Status: 'Error',
  ExceptionType: 'MXInvalidAccessDetailsException',
  ExceptionMessage: 'Invalid Access Details provided.',
};
