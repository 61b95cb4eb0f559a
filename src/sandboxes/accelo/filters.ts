/**
 * Accelo's `_filters` for `GET /staff` (https://api.accelo.com/docs/#filters-basic-filters): basic
 * filters `id`, `email`, `standing`, `username` (any number of values, `_not` negates), range filters on
 * `id` and `rate` (`_greater_than`, `_less_than`, `_greater_than_or_equal`, `_less_than_or_equal`).
 * Written in the query string (`standing(inactive,lockout),id_greater_than(10)`) or as a JSON body
 * (`{"_filters": {"email": ["x@y.com"]}}`), which the docs say is needed for values holding characters
 * such as "@" or "." — the query form refuses them here (a guess at how strictly Accelo enforces it).
 */
import type { AcceloStaff } from './staff.ts';

export class FilterError extends Error {}

export interface StaffFilter {
  name: string;
  values: string[];
}

const BASIC = ['id', 'email', 'standing', 'username'] as const;
const RANGE_FIELDS = ['id', 'rate'] as const;
const RANGES = ['greater_than_or_equal', 'less_than_or_equal', 'greater_than', 'less_than'] as const;
/** What a value in the query-string form may hold. */
const QUERY_VALUE = /^[A-Za-z0-9 _-]*$/;

/** `email(a),standing(inactive,lockout)` → filters; commas inside parentheses separate values. */
export function parseQueryFilters(text: string): StaffFilter[] {
  const filters: StaffFilter[] = [];
  const pattern = /\s*([A-Za-z_][A-Za-z0-9_]*)\(([^()]*)\)\s*(,|$)/y;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) throw new FilterError(`cannot read _filters at "${text.slice(at, at + 30)}"`);
    const values = match[2]!.split(',').map((v) => v.trim());
    for (const value of values) {
      if (!QUERY_VALUE.test(value))
        throw new FilterError(`filter value "${value}" holds characters that must be sent in a JSON body`);
    }
    filters.push({ name: match[1]!, values });
    at = pattern.lastIndex;
    if (match[3] === '' && at < text.length) at = text.length;
  }
  return filters.map(check);
}

/** `{"email": ["x@y.com"], "standing": ["active"]}` → filters. */
export function parseJsonFilters(body: unknown): StaffFilter[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new FilterError('_filters must be an object of filter names to lists of values');
  return Object.entries(body).map(([name, raw]) => {
    const list = Array.isArray(raw) ? raw : [raw];
    if (!list.every((v) => typeof v === 'string' || typeof v === 'number'))
      throw new FilterError(`_filters.${name} must hold strings or numbers`);
    return check({ name, values: list.map(String) });
  });
}

function check(filter: StaffFilter): StaffFilter {
  if (filter.values.length === 0 || filter.values.some((v) => v === ''))
    throw new FilterError(`filter ${filter.name} needs a value`);
  const base = filter.name.replace(/_not$/, '');
  if ((BASIC as readonly string[]).includes(base)) return filter;
  const range = rangeOf(filter.name);
  if (range) {
    if (filter.values.length !== 1 || !Number.isFinite(Number(filter.values[0])))
      throw new FilterError(`filter ${filter.name} takes one number`);
    return filter;
  }
  throw new FilterError(`staff do not support the filter ${filter.name}`);
}

function rangeOf(name: string): { field: 'id' | 'rate'; op: (typeof RANGES)[number] } | undefined {
  for (const field of RANGE_FIELDS)
    for (const op of RANGES) if (name === `${field}_${op}`) return { field, op };
  return undefined;
}

function compare(value: number, op: (typeof RANGES)[number], bound: number): boolean {
  switch (op) {
    case 'greater_than':
      return value > bound;
    case 'less_than':
      return value < bound;
    case 'greater_than_or_equal':
      return value >= bound;
    case 'less_than_or_equal':
      return value <= bound;
  }
}

/** Whether a staff member passes every filter (emails and usernames compare case-insensitively). */
export function matches(staff: AcceloStaff, filters: readonly StaffFilter[]): boolean {
  return filters.every((filter) => {
    const range = rangeOf(filter.name);
    if (range) {
      const value = Number(range.field === 'id' ? staff.id : staff.staff_rate);
      return compare(value, range.op, Number(filter.values[0]));
    }
    const negated = filter.name.endsWith('_not');
    const field = filter.name.replace(/_not$/, '') as (typeof BASIC)[number];
    const actual = String(staff[field] ?? '').toLowerCase();
    const hit = filter.values.some((v) => v.toLowerCase() === actual);
    return negated ? !hit : hit;
  });
}
