/**
 * Content hashing for change detection: a record's canonical JSON (keys sorted at every depth, no
 * `remote_data`), its sha256, the top-level fields that differ between two versions, and event ids derived
 * from what they describe, so a resumed run publishes the very same ids again (and the outbox skips them).
 */
import { createHash } from 'node:crypto';
import type { UnifiedRecord } from '../unified/types.ts';

export type SnapshotRecord = { id: string } & Record<string, unknown>;

/** The record as the snapshot keeps it: without the vendor's raw data (it changes without meaning). */
export function snapshotOf(record: UnifiedRecord): SnapshotRecord {
  const { remote_data: _raw, ...rest } = record;
  return rest;
}

/** JSON with object keys sorted at every depth; `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortKeys(member);
    }
    return out;
  }
  return value;
}

export function contentHash(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

/** Top-level fields whose values differ (sorted), comparing canonical JSON. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed: string[] = [];
  for (const key of keys) {
    if (canonicalJson(before[key] ?? null) !== canonicalJson(after[key] ?? null)) changed.push(key);
  }
  return changed.sort();
}

/**
 * A UUID-shaped id derived from its parts (sha256, version nibble 8 as RFC 9562 allows for custom ids):
 * the same run, record and event always give the same id.
 */
export function derivedId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
