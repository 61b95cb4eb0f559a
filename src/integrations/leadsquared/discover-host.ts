/**
 * LeadSquared host discovery (reference §1.2, §2.14): `Authentication.svc/UserByAccessKey.Get` answers on
 * any regional host and names the account's own API host in `LSQCommonServiceURLs.api` (a bare host name
 * such as `api-in21.leadsquared.com`). Used by the connect page's "Auto-detect" region and to tell a
 * customer which region their keys belong to.
 */

import { sendUpstream } from '../../upstream/http.ts';
import type { AccountContext } from '../types.ts';

export const LEADSQUARED_DEFAULT_ORIGIN = 'https://api.leadsquared.com';
const DISCOVERY_TIMEOUT_MS = 8_000;

export type HostDiscovery =
  | { kind: 'found'; apiHost: string; probedOrigin: string; accountName?: string; userName?: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'unreachable'; message: string };

interface WhoAmI {
  Status?: unknown;
  ExceptionType?: unknown;
  ExceptionMessage?: unknown;
  Name?: unknown;
  OrgDisplayName?: unknown;
  LSQCommonServiceURLs?: { api?: unknown };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `api-in21.leadsquared.com`, `https://api-in21.leadsquared.com/v2/` → the host as LeadSquared shows it. */
function cleanHost(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, '');
  const withoutVersion = trimmed.replace(/\/v2$/i, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(withoutVersion)) {
    try {
      const url = new URL(withoutVersion);
      // An HTTPS origin on the default port is shown as its bare host; anything else keeps its origin.
      return url.protocol === 'https:' && url.port === '' ? url.hostname : url.origin;
    } catch {
      return withoutVersion;
    }
  }
  return withoutVersion.toLowerCase();
}

/** The host an origin stands for, in the same form (bare host for default-port HTTPS). */
function hostOfOrigin(origin: string): string {
  return cleanHost(origin);
}

async function probe(origin: string, context: AccountContext, timeoutMs: number): Promise<HostDiscovery> {
  let response: Awaited<ReturnType<typeof sendUpstream>>;
  try {
    response = await sendUpstream({
      method: 'GET',
      path: '/Authentication.svc/UserByAccessKey.Get',
      origin,
      basePath: '/v2',
      auth: {
        headers: {
          'x-LSQ-AccessKey': String(context['access_key'] ?? ''),
          'x-LSQ-SecretKey': String(context['secret_key'] ?? ''),
        },
      },
      timeoutMs,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const name = (error as Error).name;
    const why =
      name === 'TimeoutError' || /timeout/i.test(code ?? '')
        ? 'no answer in time'
        : (code ?? 'network error');
    return { kind: 'unreachable', message: `${origin}: ${why}` };
  }
  const body = (response.body !== null && typeof response.body === 'object' ? response.body : {}) as WhoAmI;
  const exception = text(body.ExceptionType) ?? '';
  const vendorMessage = text(body.ExceptionMessage);
  if (response.status === 401 || exception === 'MXInvalidAccessDetailsException') {
    return { kind: 'unauthorized', message: vendorMessage ?? `${origin} answered HTTP ${response.status}` };
  }
  if (response.status >= 400 || body.Status === 'Error' || exception) {
    return {
      kind: 'unreachable',
      message: `${origin} answered HTTP ${response.status}${vendorMessage ? `: ${vendorMessage}` : ''}`,
    };
  }
  const api = text(body.LSQCommonServiceURLs?.api);
  return {
    kind: 'found',
    // Older or unusual accounts may not name their host: the host that accepted the keys is theirs.
    apiHost: api ? cleanHost(api) : hostOfOrigin(origin),
    probedOrigin: origin,
    accountName: text(body.OrgDisplayName),
    userName: text(body.Name),
  };
}

/**
 * Asks every probe origin at once; the first one that accepts the keys wins. When none does: refused
 * keys beat network failures (one host saying "wrong keys" is an answer; a timeout is not).
 */
export async function discoverLeadSquaredHost(
  context: AccountContext,
  options: { probeOrigins?: readonly string[]; timeoutMs?: number } = {},
): Promise<HostDiscovery> {
  const origins = options.probeOrigins?.length ? options.probeOrigins : [LEADSQUARED_DEFAULT_ORIGIN];
  const timeoutMs = options.timeoutMs ?? DISCOVERY_TIMEOUT_MS;
  return new Promise((resolve) => {
    const outcomes: HostDiscovery[] = [];
    for (const origin of origins) {
      probe(origin, context, timeoutMs).then((outcome) => {
        if (outcome.kind === 'found') resolve(outcome);
        outcomes.push(outcome);
        if (outcomes.length < origins.length) return;
        resolve(outcomes.find((o) => o.kind === 'unauthorized') ?? outcomes[0]!);
      });
    }
  });
}
