/**
 * The SSRF guard for webhook targets, the counterpart of `upstream/host-guard.ts`: a target must be an
 * HTTPS URL on a public address, unless the operator allowed its origin (`SWITCHBOARD_ALLOW_WEBHOOK_TARGETS`,
 * e.g. a receiver on `http://127.0.0.1:9000`). Checked when a subscription is created or changed, and again
 * at every delivery: the host name is resolved, every address is checked, and the connection goes to the
 * address that was checked (so a DNS answer that changes in between cannot point a delivery inward).
 */
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';
import { SwitchboardError } from '../errors.ts';

/** IPv4-compatible addresses (`::a.b.c.d`, deprecated by RFC 4291): ipaddr.js calls them unicast. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * Whether a delivery may go to this address. IPv4: only ipaddr.js's `unicast` (not private, loopback,
 * link-local, CGNAT, reserved, documentation, multicast, broadcast, AS112, AMT). IPv6: `unicast` too, except
 * that forms carrying an IPv4 address are judged by it (IPv4-mapped, 6to4), and those whose IPv4 target cannot
 * be judged here are refused outright: IPv4-compatible, IPv4-translated (SIIT), NAT64 (the gateway reaches
 * whatever IPv4 address is embedded, inward ones included) and Teredo.
 */
export function isPublicAddress(address: string): boolean {
  // net.isIP first: ipaddr.js also reads forms such as `127.1` or `0x7f000001` that are not literal addresses.
  if (net.isIP(address) === 0) return false;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return false;
  }
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  if (v6.match(IPV4_COMPATIBLE)) return false;
  switch (v6.range()) {
    case 'unicast':
      return true;
    case 'ipv4Mapped':
      return isPublicAddress(v6.toIPv4Address().toString());
    case '6to4': {
      // 2002:AABB:CCDD::/48 routes to the IPv4 address AA.BB.CC.DD.
      const [, high, low] = v6.parts as [number, number, number];
      return isPublicAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
    }
    default:
      // rfc6145, rfc6052, teredo, loopback, unspecified, linkLocal, deprecatedSiteLocal, uniqueLocal,
      // multicast, reserved (documentation), discard, benchmarking and the other special ranges.
      return false;
  }
}

const INTERNAL_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa)\.?$/i;

function refuse(message: string): SwitchboardError {
  return new SwitchboardError(
    'INVALID_REQUEST',
    `${message} (an operator can allow an origin with SWITCHBOARD_ALLOW_WEBHOOK_TARGETS)`,
  );
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Checks a target URL when a subscription is created or changed; returns it normalized. */
export async function checkWebhookTarget(raw: string, allowedOrigins: readonly string[]): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SwitchboardError('INVALID_REQUEST', 'target_url is not a valid URL');
  }
  if (url.username || url.password) {
    throw new SwitchboardError('INVALID_REQUEST', 'target_url must not contain credentials');
  }
  if (allowedOrigins.includes(url.origin)) return url.href;
  if (url.protocol !== 'https:') throw refuse(`target_url must use https, not ${url.protocol.slice(0, -1)}`);
  const host = hostOf(url);
  if (net.isIP(host)) {
    if (!isPublicAddress(host)) throw refuse(`target_url points at a private or reserved address (${host})`);
    return url.href;
  }
  if (!host.includes('.') || INTERNAL_NAMES.test(host)) {
    throw refuse(`target_url host "${host}" is not a public host name`);
  }
  let addresses: dns.LookupAddress[] = [];
  try {
    addresses = await withTimeout(dns.promises.lookup(host, { all: true, verbatim: true }), 3000);
  } catch {
    // Unresolvable right now: accepted, and checked again (and refused if still bad) at each delivery.
  }
  const inward = addresses.find((a) => !isPublicAddress(a.address));
  if (inward) throw refuse(`target_url host "${host}" resolves to a private address (${inward.address})`);
  return url.href;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for sockets that refuses host names resolving to any non-public address. */
export function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const inward = addresses.find((a) => !isPublicAddress(a.address));
    if (inward || addresses.length === 0) {
      const refused: NodeJS.ErrnoException = new Error(
        `webhook target ${hostname} resolves to a private or reserved address (${inward?.address ?? 'none'}); refused`,
      );
      refused.code = 'ETARGETREFUSED';
      return callback(refused, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}

const openAgent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
const guardedAgent = new Agent({
  keepAliveTimeout: 10_000,
  connections: 64,
  connect: { lookup: guardedLookup as never },
});

/** The dispatcher to deliver to `url` with, or an error saying why the target is refused now. */
export function deliveryDispatcher(url: URL, allowedOrigins: readonly string[]): Agent {
  if (allowedOrigins.includes(url.origin)) return openAgent;
  if (url.protocol !== 'https:') {
    throw new Error(`target ${url.origin} is not https and its origin is not allowed (any more)`);
  }
  const host = hostOf(url);
  if (net.isIP(host)) {
    if (!isPublicAddress(host)) throw new Error(`target address ${host} is private or reserved; refused`);
    return openAgent;
  }
  if (!host.includes('.') || INTERNAL_NAMES.test(host)) {
    throw new Error(`target host ${host} is not a public host name; refused`);
  }
  return guardedAgent;
}
