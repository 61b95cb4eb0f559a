/**
 * JSON:API-style filter parameters (Outreach): `filter[email]=x` for equality and
 * `filter[updatedAt]=2024-01-01T00:00:00.000Z..inf` for date ranges. Only `eq` on mapped fields and
 * `gte`/`gt`/`lte`/`lt` on date fields are pushed (a `gt` bound is made inclusive by adding 1 ms).
 */
import type { Condition } from '../../../unified/types.ts';

export interface JsonApiField {
  /** The vendor's attribute name. */
  name: string;
  type: 'string' | 'boolean' | 'datetime';
}

export function jsonApiFilters(
  conditions: readonly Condition[],
  fields: Record<string, JsonApiField>,
): { query: Record<string, string>; pushed: Condition[] } {
  const query: Record<string, string> = {};
  const pushed: Condition[] = [];
  const ranges = new Map<string, { from?: number; to?: number; conditions: Condition[] }>();
  for (const condition of conditions) {
    const field = fields[condition.field];
    if (!field || Array.isArray(condition.value)) continue;
    const key = `filter[${field.name}]`;
    if (field.type === 'datetime' && ['gt', 'gte', 'lt', 'lte'].includes(condition.op)) {
      const ms = Date.parse(condition.value);
      if (!Number.isFinite(ms)) continue;
      const range = ranges.get(key) ?? { conditions: [] };
      if (condition.op === 'gte' || condition.op === 'gt') {
        const from = condition.op === 'gt' ? ms + 1 : ms;
        if (range.from !== undefined) continue;
        range.from = from;
      } else {
        const to = condition.op === 'lt' ? ms - 1 : ms;
        if (range.to !== undefined) continue;
        range.to = to;
      }
      range.conditions.push(condition);
      ranges.set(key, range);
      continue;
    }
    if (condition.op !== 'eq' || query[key] !== undefined) continue;
    if (field.type === 'boolean' && condition.value !== 'true' && condition.value !== 'false') continue;
    query[key] = condition.value;
    pushed.push(condition);
  }
  for (const [key, range] of ranges) {
    if (query[key] !== undefined) continue;
    const from = range.from === undefined ? 'neginf' : new Date(range.from).toISOString();
    const to = range.to === undefined ? 'inf' : new Date(range.to).toISOString();
    query[key] = `${from}..${to}`;
    pushed.push(...range.conditions);
  }
  return { query, pushed };
}
