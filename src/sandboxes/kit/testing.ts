/**
 * Helpers for emulator tests over real HTTP: form posts, PKCE pairs, walking the authorize endpoint
 * (with or without its consent page) to a code, and exchanging it for tokens.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

async function result<T>(res: Response): Promise<HttpResult<T>> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as T };
}

/** POSTs `params` form-urlencoded (or as JSON), optionally with HTTP Basic client credentials. */
export async function postForm<T = Record<string, unknown>>(
  url: string,
  params: Record<string, string | undefined>,
  options: { basic?: { id: string; secret: string }; json?: boolean; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  const headers: Record<string, string> = { ...options.headers };
  if (options.basic) {
    const pair = `${encodeURIComponent(options.basic.id)}:${encodeURIComponent(options.basic.secret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  headers['content-type'] = options.json ? 'application/json' : 'application/x-www-form-urlencoded';
  const body = options.json ? JSON.stringify(clean) : new URLSearchParams(clean).toString();
  return result<T>(await fetch(url, { method: 'POST', headers, body }));
}

export async function getJson<T = Record<string, unknown>>(
  url: string,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  return result<T>(await fetch(url, { headers }));
}

/** A PKCE verifier and its challenge (RFC 7636). */
export function pkcePair(method: 'S256' | 'plain' = 'S256'): {
  verifier: string;
  challenge: string;
  method: string;
} {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = method === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge, method };
}

export function authorizeUrl(base: string, path: string, params: Record<string, string | undefined>): string {
  const url = new URL(path, base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** The redirect an authorize or consent request answered with (302 `location`), parsed. */
export function redirectOf(res: Response): URL {
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`expected a 302 redirect, got ${res.status}`);
  return new URL(location);
}

/**
 * Opens the authorize URL and, if a consent page comes back, answers it with `decision` (as a browser
 * would submit the form). Returns the final redirect.
 */
export async function authorize(
  url: string,
  decision: 'allow' | 'deny' = 'allow',
  account?: string,
): Promise<URL> {
  const first = await fetch(url, { redirect: 'manual' });
  if (first.status === 302) return redirectOf(first);
  const html = await first.text();
  if (first.status !== 200) throw new Error(`authorize answered ${first.status}: ${html}`);
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  const action = /<form id="oauth-consent" method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!requestId || !action) throw new Error('no consent form in the page');
  const form: Record<string, string> = { request_id: requestId, decision };
  const shownAccount = /name="account" value="([^"]*)"/.exec(html)?.[1];
  if (account ?? shownAccount) form.account = (account ?? shownAccount) as string;
  const answer = await fetch(new URL(action, url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return redirectOf(answer);
}
