/**
 * Shapes records for the response: `truto_ignore_remote_data`, `truto_exclude_fields`, the `normalized`
 * format (no `remote_data`, and empty values — null, '', [] — left out) and `truto_key_by`.
 */
import { SwitchboardError } from '../errors.ts';
import type { OutputOptions } from './query.ts';
import type { UnifiedRecord } from './types.ts';

function isEmpty(value: unknown): boolean {
  return (
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

export function shapeRecord(record: UnifiedRecord, options: OutputOptions): Record<string, unknown> {
  const dropRemote = options.ignoreRemoteData || options.format === 'normalized';
  if (!dropRemote && options.excludeFields.length === 0 && options.format !== 'normalized') return record;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'remote_data' && dropRemote) continue;
    if (options.excludeFields.includes(key)) continue;
    if (options.format === 'normalized' && isEmpty(value)) continue;
    out[key] = value;
  }
  return out;
}

/** How many duplicate values a KEY_BY_NOT_UNIQUE message shows. */
const SHOWN_DUPLICATES = 5;

/**
 * `truto_key_by`: the page as an object keyed by a field. Every record must have its own key: a duplicate would
 * silently replace a record, so duplicates are a 422 instead (docs/unified-api.md).
 */
export function keyBy(records: Record<string, unknown>[], field: string): Record<string, unknown> {
  // No prototype: "__proto__" (or "constructor") is an ordinary key, and JSON.stringify emits it like any other.
  const out: Record<string, unknown> = Object.create(null);
  const counts = new Map<string, number>();
  for (const record of records) {
    const key = Object.hasOwn(record, field) ? record[field] : undefined;
    if (key === undefined || key === null || typeof key === 'object' || typeof key === 'function') {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `truto_key_by: field "${field}" is missing or not a scalar on some records`,
      );
    }
    const name = String(key);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    out[name] = record;
  }
  const duplicates = [...counts].filter(([, n]) => n > 1);
  if (duplicates.length > 0) {
    const colliding = duplicates.reduce((sum, [, n]) => sum + n, 0);
    const shown = duplicates.slice(0, SHOWN_DUPLICATES).map(([value]) => JSON.stringify(truncate(value)));
    const more =
      duplicates.length > SHOWN_DUPLICATES ? ` and ${duplicates.length - SHOWN_DUPLICATES} more` : '';
    throw new SwitchboardError(
      'KEY_BY_NOT_UNIQUE',
      `truto_key_by: field "${field}" is not unique: ${colliding} of ${records.length} records share a value ` +
        `with another (${shown.join(', ')}${more}); key by a unique field such as id`,
    );
  }
  return out;
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
