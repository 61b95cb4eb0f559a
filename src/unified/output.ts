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

export function keyBy(records: Record<string, unknown>[], field: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const record of records) {
    const key = record[field];
    if (key === undefined || key === null || typeof key === 'object') {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `truto_key_by: field "${field}" is missing or not a scalar on some records`,
      );
    }
    out[String(key)] = record;
  }
  return out;
}
