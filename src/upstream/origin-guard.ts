/**
 * The origin guard: the one place where the final URL of every upstream request is built and checked.
 * Whatever a caller contributed (a `/custom` path, a proxy id, a vendor's next-page URL), the URL that
 * leaves must have exactly the account's resolved origin and a path under the integration's base path
 * after percent-decoding and normalising (dot segments, `%2e`, double encoding, backslashes, duplicate
 * slashes). Anything else is refused with 400 before a connection is opened. Only `sendUpstream` sends,
 * and it only accepts a `GuardedUrl`, which only this module makes.
 */
import { SwitchboardError } from '../errors.ts';

declare const guarded: unique symbol;
/** A URL that passed the guard. */
export type GuardedUrl = URL & { readonly [guarded]: true };

export interface GuardScope {
  /** The account's origin (`scheme://host[:port]`), already checked against the integration's hosts. */
  origin: string;
  /** Every request stays under this path (`/v2` for LeadSquared; `''` for the whole origin). */
  basePath: string;
}

export type GuardRefusal =
  | 'origin'
  | 'encoding'
  | 'backslash'
  | 'control'
  | 'dot-segment'
  | 'empty-segment'
  | 'base-path';

/** Refusals since the process started, by reason (exported as a Prometheus counter). */
export const guardRefusals: Record<GuardRefusal, number> = {
  origin: 0,
  encoding: 0,
  backslash: 0,
  control: 0,
  'dot-segment': 0,
  'empty-segment': 0,
  'base-path': 0,
};

const MAX_DECODE_ROUNDS = 4;

function refuse(reason: GuardRefusal, detail: string): never {
  guardRefusals[reason]++;
  throw new SwitchboardError(
    'UPSTREAM_PATH_NOT_ALLOWED',
    `the upstream path is not allowed: ${detail}; send a plain path under the integration's base URL`,
  );
}

/** Percent-decodes until nothing changes (double and triple encoding included). */
function fullyDecoded(path: string): string {
  let current = path;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      refuse('encoding', 'it holds a malformed percent-escape');
    }
    if (next === current) return current;
    current = next;
  }
  refuse('encoding', 'it is percent-encoded too many times over');
}

/**
 * Checks a path relative to the base path (as written, possibly percent-encoded). A trailing slash is
 * allowed (some vendors' paths end with one); an empty segment anywhere else is not.
 */
function checkPath(path: string): void {
  const decoded = fullyDecoded(path);
  if (decoded.includes('\\')) refuse('backslash', 'it holds a backslash');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(decoded)) refuse('control', 'it holds a control character');
  const segments = decoded.split('/').slice(1);
  for (const [index, segment] of segments.entries()) {
    if (segment === '.' || segment === '..') refuse('dot-segment', 'it holds a "." or ".." segment');
    if (segment === '' && index < segments.length - 1)
      refuse('empty-segment', 'it holds an empty segment ("//")');
  }
}

function underBase(pathname: string, basePath: string): boolean {
  return basePath === ''
    ? pathname.startsWith('/')
    : pathname === basePath || pathname.startsWith(`${basePath}/`);
}

/**
 * The URL for a request: `path` is relative to the base path; `absoluteUrl` (a vendor's next-page link,
 * absolute or origin-relative) must already be on the account's origin. Query values are added as parameters, never parsed as URL text.
 */
export function guardUpstreamUrl(
  scope: GuardScope,
  target: { path?: string; absoluteUrl?: string },
  query: Record<string, string | number | boolean | undefined> = {},
): GuardedUrl {
  const origin = new URL(scope.origin);
  let url: URL;
  if (target.absoluteUrl !== undefined) {
    // An origin-relative link (`/services/data/…`, as Salesforce sends) is read against the account origin.
    const originRelative = target.absoluteUrl.startsWith('/') && !target.absoluteUrl.startsWith('//');
    try {
      url = originRelative ? new URL(target.absoluteUrl, origin.origin) : new URL(target.absoluteUrl);
    } catch {
      refuse('origin', 'the vendor link is not a valid URL');
    }
    if (url.origin !== origin.origin || url.username || url.password) {
      refuse('origin', `the vendor link leaves ${origin.origin}`);
    }
    const raw =
      (originRelative
        ? target.absoluteUrl
        : target.absoluteUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '')
      ).split(/[?#]/)[0] ?? '';
    checkPath(raw || '/');
    url.hash = '';
  } else {
    const path = target.path ?? '';
    const relative = path.startsWith('/') ? path : `/${path}`;
    checkPath(relative);
    url = new URL(origin.origin);
    // Assigning the pathname never reads the text as a URL (no scheme, host or authority can appear).
    url.pathname = `${scope.basePath}${relative}`;
  }
  if (url.origin !== origin.origin) refuse('origin', `it leaves ${origin.origin}`);
  if (!underBase(url.pathname, scope.basePath)) refuse('base-path', `it leaves ${scope.basePath || '/'}`);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url as GuardedUrl;
}
