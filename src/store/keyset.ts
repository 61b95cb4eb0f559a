/** Keyset pagination over (created_at, id), the order of every admin list. */
import { type RawBuilder, sql } from 'kysely';

export interface Keyset {
  createdAt: string;
  id: string;
}

/** Rows past a position in the list's order: a row-value comparison that PostgreSQL and SQLite both index. */
export function pastKeyset(keyset: Keyset, order: 'asc' | 'desc'): RawBuilder<boolean> {
  return order === 'asc'
    ? sql<boolean>`(created_at, id) > (${keyset.createdAt}, ${keyset.id})`
    : sql<boolean>`(created_at, id) < (${keyset.createdAt}, ${keyset.id})`;
}
