/**
 * The SSRF guard for webhook targets, the counterpart of `upstream/host-guard.ts`: a target must be an
 * HTTPS URL on a public address, unless the operator allowed its origin (`SWITCHBOARD_ALLOW_WEBHOOK_TARGETS`,
 * e.g. a receiver on `http://127.0.0.1:9000`). Checked when a subscription is created or changed, and again
 * at every delivery: the host name is resolved, every address is checked, and the connection goes to the
 * address that was checked (so a DNS answer that changes in between cannot point a delivery inward).
 */
import dns from 'node:dns';
import net from 'node:net';
import { Agent } from 'undici';
import { SwitchboardError } from '../errors.ts';

const blocked = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(address, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    // IPv4-mapped (::ffff:a.b.c.d): judged as the IPv4 address it stands for.
    const mapped = mappedIpv4(address);
    if (mapped) return isPublicAddress(mapped);
  }
  return !blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The IPv4 address behind an IPv4-mapped IPv6 address, in either notation. */
function mappedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const high = Number.parseInt(hex[1]!, 16);
  const low = Number.parseInt(hex[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
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
