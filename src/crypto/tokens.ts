/**
 * Bearer tokens (API tokens, link tokens) are random 256-bit values; only their SHA-256 is stored.
 * A fast hash is right here: the input has full entropy, so there is nothing to brute-force.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
