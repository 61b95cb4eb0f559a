/**
 * Filter and sort the tenant's users into an Int32Array of indices, cached per
 * (conditions, sorting) so every later page of the same query is a slice.
 */
import type { Tenant } from '../data/tenant.ts';
import type { UserField } from '../data/user-fields.ts';
import { invalidInput } from '../http/errors.ts';
import { compileConditionGroups, INVALID_ATTRIBUTES_MESSAGE, type UserPredicate } from './conditions.ts';

export interface SortSpec {
  field: UserField;
  descending: boolean;
}

function parseDirection(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  const text = String(value).trim().toLowerCase();
  if (text === '1' || text === 'desc' || text === 'descending') return true;
  if (text === '0' || text === 'asc' || text === 'ascending') return false;
  throw invalidInput(`Invalid Input! Parameter Name: Direction (${String(value)})`);
}

/** Users AdvancedSearch takes `Sorting` as an array; a single object is accepted too. */
export function parseSorting(t: Tenant, value: unknown): SortSpec[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((s: Record<string, unknown>) => {
    const field = t.field(s?.ColumnName);
    if (!field || field.notSelectable) throw invalidInput(INVALID_ATTRIBUTES_MESSAGE);
    return { field, descending: parseDirection(s.Direction) };
  });
}

function filter(t: Tenant, predicate: UserPredicate | null): Int32Array {
  const u = t.users;
  const out = new Int32Array(u.count);
  let m = 0;
  for (let i = 0; i < u.count; i++) {
    if (u.obsolete[i]) continue;
    if (predicate === null || predicate(i)) out[m++] = i;
  }
  return out.slice(0, m);
}

type SortKeys = Float64Array | string[];

function sortKeys(t: Tenant, ids: Int32Array, field: UserField): SortKeys {
  if (field.sortNumber) {
    const keys = new Float64Array(ids.length);
    for (let k = 0; k < ids.length; k++) keys[k] = field.sortNumber(t, ids[k]);
    return keys;
  }
  // Case-insensitive, nulls first (as an ascending SQL sort puts them).
  const keys = new Array<string>(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const v = field.get(t, ids[k]);
    keys[k] = v === null ? '' : String(v).toLowerCase();
  }
  return keys;
}

/** Stable multi-column sort; ties fall back to id order so pages never overlap. */
function sortIds(t: Tenant, ids: Int32Array, specs: SortSpec[]): Int32Array {
  if (specs.length === 0) return ids;
  if (specs.length === 1 && specs[0].field.name === 'UserId')
    return specs[0].descending ? ids.reverse() : ids;
  const keys = specs.map((s) => sortKeys(t, ids, s.field));
  const order = new Array<number>(ids.length);
  for (let k = 0; k < ids.length; k++) order[k] = k;
  order.sort((a, b) => {
    for (let s = 0; s < specs.length; s++) {
      const key = keys[s];
      const x = key[a];
      const y = key[b];
      if (x !== y) {
        const cmp = x < y ? -1 : 1;
        return specs[s].descending ? -cmp : cmp;
      }
    }
    return a - b;
  });
  const out = new Int32Array(ids.length);
  for (let k = 0; k < ids.length; k++) out[k] = ids[order[k]];
  return out;
}

export interface SearchQuery {
  groupConditions: unknown;
  groupOperator: unknown;
  sorting: unknown;
}

/** Matching listed users in the requested order; validates the query even when cached. */
export function searchUsers(t: Tenant, query: SearchQuery): Int32Array {
  const predicate = compileConditionGroups(t, query.groupConditions, query.groupOperator);
  const specs = parseSorting(t, query.sorting);
  const key = JSON.stringify([
    query.groupConditions ?? null,
    query.groupOperator ?? null,
    specs.map((s) => [s.field.name, s.descending]),
  ]);
  return t.search.get(key, t.version, () => sortIds(t, filter(t, predicate), specs));
}

/** Users matching conditions, in id order, without caching (bulk update, slots). */
export function matchUsers(t: Tenant, groupConditions: unknown, groupOperator: unknown): Int32Array {
  return filter(t, compileConditionGroups(t, groupConditions, groupOperator));
}
