/**
 * Webhook signatures. Every delivery carries two, made with the subscription's secret (`whsec_<base64>`):
 *
 * - `X-Truto-Signature: format=sha256,v=<hex>`: HMAC-SHA256 of the raw body, keyed with the secret string
 *   exactly as shown at creation (UTF-8, prefix included), as Truto's receivers expect.
 * - Standard Webhooks (https://www.standardwebhooks.com): `webhook-id` (the event id, the same on every
 *   retry), `webhook-timestamp` (Unix seconds of this attempt) and `webhook-signature: v1,<base64>`, the
 *   HMAC-SHA256 of `{id}.{timestamp}.{body}` keyed with the base64-decoded part of the secret after `whsec_`
 *   (the spec's secret handling, so its official libraries verify it unchanged).
 *
 * `verifyWebhook` checks both for receivers (and the tests).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** 32 random bytes, in the Standard Webhooks secret format. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The HMAC key of the Standard Webhooks signature: the bytes behind `whsec_`. */
function standardKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
}

export function trutoSignature(secret: string, body: string): string {
  return `format=sha256,v=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', standardKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The signature headers of one delivery attempt. */
export function signatureHeaders(
  secret: string,
  eventId: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    'x-truto-signature': trutoSignature(secret, body),
    'webhook-id': eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standardSignature(secret, eventId, timestamp, body),
  };
}

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface VerifyOptions {
  /** Reject a `webhook-timestamp` further than this from now (replay protection); default 300. */
  toleranceSeconds?: number;
  /** Milliseconds since the epoch (tests). */
  now?: number;
}

/**
 * Verifies a delivery received from Switchboard: the Standard Webhooks signature and timestamp, and the
 * `X-Truto-Signature`. Pass the raw body exactly as received (not re-serialized JSON). Returns the parsed
 * delivery; throws `WebhookVerificationError` saying what is wrong.
 */
export function verifyWebhook<T = unknown>(
  secret: string,
  rawBody: string | Buffer,
  headers: HeaderBag,
  options: VerifyOptions = {},
): { id: string; event: string; payload: T; environment_id: string; webhook_id: string; created_at: string } {
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  const truto = header(headers, 'x-truto-signature');
  if (!id || !timestamp || !signatures || !truto) {
    throw new WebhookVerificationError(
      'missing webhook-id, webhook-timestamp, webhook-signature or x-truto-signature header',
    );
  }
  const seconds = Number(timestamp);
  const tolerance = options.toleranceSeconds ?? 300;
  if (!/^\d+$/.test(timestamp) || Math.abs((options.now ?? Date.now()) / 1000 - seconds) > tolerance) {
    throw new WebhookVerificationError(`webhook-timestamp is not within ${tolerance}s of now`);
  }
  const expected = standardSignature(secret, id, seconds, body);
  // The header may list several space-separated signatures (e.g. during a secret rotation).
  if (!signatures.split(' ').some((candidate) => same(candidate, expected))) {
    throw new WebhookVerificationError('webhook-signature does not match');
  }
  if (!same(truto, trutoSignature(secret, body))) {
    throw new WebhookVerificationError('x-truto-signature does not match');
  }
  const parsed = JSON.parse(body);
  if (parsed?.id !== id) throw new WebhookVerificationError('the body id differs from webhook-id');
  return parsed;
}
