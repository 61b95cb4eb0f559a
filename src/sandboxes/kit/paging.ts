/**
 * Paging pieces vendor emulators keep needing: a page size read against the vendor's default and maximum
 * (erroring the vendor's way, or clamping), offset and page-number slices, opaque cursors, and the
 * absolute next-page URL built from the request the client sent.
 */
import type { FastifyRequest } from 'fastify';

export interface PageSizeRule {
  default: number;
  max: number;
  /** Default 1. */
  min?: number;
  /** What a size over `max` does: the vendor's error (default) or silently `max`. */
  overMax?: 'error' | 'clamp';
}

export interface PageSizeProblem {
  kind: 'not-an-integer' | 'too-small' | 'too-large';
  value: string;
  min: number;
  max: number;
}

/** The first value of a query parameter that may repeat. */
export function queryValue(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v === null ? undefined : String(v);
}

/** A page size from a raw query value; `fail` builds the vendor's error (thrown). */
export function readPageSize(
  raw: string | undefined,
  rule: PageSizeRule,
  fail: (problem: PageSizeProblem) => Error,
): number {
  if (raw === undefined || raw === '') return rule.default;
  const min = rule.min ?? 1;
  const problem = (kind: PageSizeProblem['kind']) => fail({ kind, value: raw, min, max: rule.max });
  if (!/^-?\d+$/.test(raw.trim())) throw problem('not-an-integer');
  const size = Number(raw);
  if (size > rule.max) {
    if (rule.overMax === 'clamp') return rule.max;
    throw problem('too-large');
  }
  if (size < min) throw problem('too-small');
  return size;
}

export interface OffsetPage<T> {
  items: T[];
  offset: number;
  total: number;
  /** Offset of the next page, absent on the last page. */
  nextOffset?: number;
}

export function offsetSlice<T>(all: readonly T[], offset: number, limit: number): OffsetPage<T> {
  const start = Math.max(0, Math.min(offset, all.length));
  const items = all.slice(start, start + limit);
  const next = start + items.length;
  return { items, offset: start, total: all.length, ...(next < all.length ? { nextOffset: next } : {}) };
}

export interface NumberedPage<T> {
  items: T[];
  /** 1-based. */
  page: number;
  perPage: number;
  total: number;
  totalPages: number;
  hasMore: boolean;
}

/** Page `page` (1-based) of `perPage` items; pages past the end are empty. */
export function pageSlice<T>(all: readonly T[], page: number, perPage: number): NumberedPage<T> {
  const p = Math.max(1, Math.floor(page));
  const items = all.slice((p - 1) * perPage, p * perPage);
  const totalPages = Math.ceil(all.length / perPage);
  return { items, page: p, perPage, total: all.length, totalPages, hasMore: p < totalPages };
}

/** An opaque cursor: base64url of the JSON value (clients must treat it as opaque). */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The value behind a cursor, or undefined when it is not one of ours (the vendor's 400 then). */
export function decodeCursor<T = unknown>(cursor: string): T | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * The absolute URL of the request with some query parameters changed (`undefined` removes one); changed
 * parameters move to the end, as vendors usually append their cursor. Built from the Host the client used,
 * so links point back at whatever origin the client called.
 */
export function nextPageUrl(request: FastifyRequest, changes: Record<string, string | undefined>): string {
  const q = request.url.indexOf('?');
  const path = q < 0 ? request.url : request.url.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : request.url.slice(q + 1));
  for (const [k, v] of Object.entries(changes)) {
    params.delete(k);
    if (v !== undefined) params.append(k, v);
  }
  const query = params.toString();
  return `${request.protocol}://${request.host}${path}${query ? `?${query}` : ''}`;
}
