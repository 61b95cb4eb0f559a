/** Applies, on unified records, the filters a vendor could not apply itself. */
import type { ResourceSpec } from './models.ts';
import type { Condition, UnifiedRecord } from './types.ts';

function comparable(type: string, value: unknown): string | number | boolean | undefined {
  if (value === null || value === undefined) return undefined;
  if (type === 'datetime') {
    const time = Date.parse(String(value));
    return Number.isNaN(time) ? undefined : time;
  }
  if (type === 'boolean') return value === true || value === 'true';
  return String(value).toLowerCase();
}

function test(type: string, actual: unknown, condition: Condition): boolean {
  const a = comparable(type, actual);
  const list = Array.isArray(condition.value) ? condition.value.map((v) => comparable(type, v)) : [];
  const b = Array.isArray(condition.value) ? undefined : comparable(type, condition.value);
  switch (condition.op) {
    case 'eq':
      return a !== undefined && a === b;
    case 'ne':
      return a !== b;
    case 'in':
      return a !== undefined && list.includes(a);
    case 'nin':
      return !list.includes(a as never);
    case 'like':
      return typeof a === 'string' && typeof b === 'string' && a.includes(b);
    case 'gt':
      return a !== undefined && b !== undefined && a > b;
    case 'gte':
      return a !== undefined && b !== undefined && a >= b;
    case 'lt':
      return a !== undefined && b !== undefined && a < b;
    case 'lte':
      return a !== undefined && b !== undefined && a <= b;
  }
}

/** True when the record passes every condition. A multi-valued field passes when any value does (none, for ne/nin). */
export function matches(
  spec: ResourceSpec,
  record: UnifiedRecord,
  conditions: readonly Condition[],
): boolean {
  return conditions.every((condition) => {
    const filter = spec.filters[condition.field]!;
    const values = filter.read(record);
    if (condition.op === 'ne' || condition.op === 'nin') {
      return values.every((v) => test(filter.type, v, condition));
    }
    return values.some((v) => test(filter.type, v, condition));
  });
}
