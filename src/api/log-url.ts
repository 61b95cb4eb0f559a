/**
 * The URL as the access log may print it. Secrets do arrive in URLs even where they are refused (a link token
 * pasted into a query string, OAuth-style parameters, credentials in `context[...]`), and the callback URLs
 * Switchboard hands to vendors carry their secret in the path: those values become `[redacted]`.
 */

/** Query parameter names whose values are never logged; matched case-insensitively, also inside brackets. */
const SENSITIVE_PARAMS = new Set([
  'link_token',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'state',
  'code_verifier',
  'client_secret',
  'secret',
  'secret_key',
  'access_key',
  'api_key',
  'apikey',
  'password',
  'authorization',
]);

/** Paths whose next segment is a secret (`/callbacks/async/<callback token>`). */
const SECRET_PATH_PREFIXES = ['/callbacks/async/'];

const REDACTED = '[redacted]';

export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const query = mark === -1 ? undefined : url.slice(mark + 1);
  return query === undefined ? redactPath(path) : `${redactPath(path)}?${redactQuery(query)}`;
}

function redactPath(path: string): string {
  for (const prefix of SECRET_PATH_PREFIXES) {
    if (path.startsWith(prefix) && path.length > prefix.length) return `${prefix}${REDACTED}`;
  }
  return path;
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      const name = pair.slice(0, eq);
      return isSensitive(name) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
}

/** `context[secret_key]`, `Access_Token[]` and `link%5Ftoken` count as the names inside them. */
function isSensitive(rawName: string): boolean {
  let name = rawName.replace(/\+/g, ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // Malformed escapes: judge the name as written.
  }
  return name
    .toLowerCase()
    .split(/[[\]]+/)
    .some((segment) => SENSITIVE_PARAMS.has(segment.trim()));
}
