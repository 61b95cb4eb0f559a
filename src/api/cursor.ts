/** The admin lists' keyset cursors (signed like every cursor: `crypto/signed-cursor.ts`). */
import type { Keyring } from '../crypto/keyring.ts';
import { decodeCursor, encodeCursor } from '../crypto/signed-cursor.ts';
import type { Keyset } from '../store/keyset.ts';

export function decodeKeyset(keyring: Keyring, cursor: string | undefined): Keyset | undefined {
  return cursor ? decodeCursor<Keyset>(keyring, cursor) : undefined;
}

/** The admin list envelope `{ result, next_cursor, limit }` for one keyset page. */
export function keysetPage<T>(
  keyring: Keyring,
  page: { items: T[]; hasMore: boolean },
  limit: number,
  keyOf: (item: T) => Keyset,
  toJson: (item: T) => unknown,
): { result: unknown[]; next_cursor: string | null; limit: number } {
  const last = page.items.at(-1);
  return {
    result: page.items.map(toJson),
    next_cursor: page.hasMore && last !== undefined ? encodeCursor(keyring, keyOf(last)) : null,
    limit,
  };
}
