/**
 * Cursors are opaque to clients but carry server state (page numbers, vendor cursors, keyset positions),
 * so they are signed: a tampered or foreign cursor is a 400, never an upstream request steered by a client.
 * Format: base64url(JSON) "." HMAC.
 */
import { timingSafeEqual } from 'node:crypto';
import { SwitchboardError } from '../errors.ts';
import type { Keyring } from './keyring.ts';

export function encodeCursor(keyring: Keyring, state: unknown): string {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${payload}.${keyring.sign(payload)}`;
}

export function decodeCursor<T>(keyring: Keyring, cursor: string): T {
  const dot = cursor.lastIndexOf('.');
  const payload = cursor.slice(0, dot);
  const signature = Buffer.from(cursor.slice(dot + 1));
  const expected = Buffer.from(keyring.sign(payload));
  if (dot <= 0 || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    throw new SwitchboardError(
      'INVALID_CURSOR',
      'next_cursor is not a cursor this server issued (was it altered?)',
    );
  }
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
}
