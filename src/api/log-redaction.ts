/**
 * What pino must never print. Derived from the integrations' own declarations (their secret credential
 * fields and the headers their auth writes), plus OAuth and HTTP secrets, so that a new integration's
 * secrets are redacted without anyone remembering to list them.
 */
import { listIntegrations } from '../integrations/registry.ts';

const SECRET_NAMES = [
  'authorization',
  'cookie',
  'set-cookie',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'code_verifier',
  'password',
  'token',
  'secret',
  'api_key',
  'context',
  // Node's HTTP parser attaches the raw bytes of a malformed request to its error.
  'rawPacket',
];

/** `code` is also an error code, so it is redacted only where an OAuth authorization code travels. */
const CODE_PATHS = ['query.code', '*.query.code', 'body.code', '*.body.code'];

function property(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `["${name}"]`;
}

function anywhere(name: string): string[] {
  const p = property(name);
  return [p.startsWith('.') ? name : `["${name}"]`, `*${p}`, `*.*${p}`];
}

export function redactedLogPaths(): string[] {
  const names = new Set(SECRET_NAMES);
  for (const integration of listIntegrations()) {
    for (const field of integration.credentials) if (field.secret) names.add(field.name);
    for (const header of Object.keys(integration.authorize({}).headers ?? {}))
      names.add(header.toLowerCase());
  }
  return [...new Set([...[...names].flatMap(anywhere), ...CODE_PATHS])];
}
