/**
 * Pipeliner's list parameters on `GET /entities/Clients`
 * (https://developers.pipelinersales.com/api-docs/core-api-concepts/api-parameters, the OpenAPI `Clients.list`):
 * `first` (default 30, max 100), `after` (a cursor), `include-deleted`, `filter[field]` with
 * `filter-op[field]` (eq, ieq, not-eq, not-ieq, contains, starts, ends, icontains, istarts, iends, null,
 * not-null, empty, not-empty, gt, gte, lt, lte, between), `order-by=created,-modified` and `load-only`.
 * Cursors are base64 of the JSON list of the sort values and id of the last record on a page, like
 * Pipeliner's own (`WyIwMzU4…"]` is `["0358…"]`): paging is by key, so it survives writes between pages.
 */
import { queryValue } from '../kit/paging.ts';
import type { ClientRecord } from './clients.ts';
import { fullName } from './clients.ts';
import { parsePipelinerDate } from './dates.ts';
import { InvalidParameter } from './errors.ts';

export const DEFAULT_FIRST = 30;
export const MAX_FIRST = 100;

type Kind = 'string' | 'date' | 'boolean' | 'number';
type Value = string | number | boolean | null;

/** The fields a Client can be filtered and sorted by, with their types. */
const FIELDS: Record<string, { kind: Kind; get(r: ClientRecord): Value }> = {
  id: { kind: 'string', get: (r) => r.id },
  email: { kind: 'string', get: (r) => r.email },
  first_name: { kind: 'string', get: (r) => r.first_name },
  middle_name: { kind: 'string', get: (r) => r.middle_name },
  last_name: { kind: 'string', get: (r) => r.last_name },
  name: { kind: 'string', get: fullName },
  position: { kind: 'string', get: (r) => r.position },
  phone: { kind: 'string', get: (r) => r.phone },
  timezone_name: { kind: 'string', get: (r) => r.timezone_name },
  default_unit_id: { kind: 'string', get: (r) => r.default_unit_id },
  master_right_id: { kind: 'string', get: (r) => r.master_right_id },
  created: { kind: 'date', get: (r) => r.created },
  modified: { kind: 'date', get: (r) => r.modified },
  last_active: { kind: 'date', get: (r) => r.last_active },
  is_deleted: { kind: 'boolean', get: (r) => r.is_deleted },
  is_delete_protected: { kind: 'boolean', get: (r) => r.is_delete_protected },
  type: { kind: 'number', get: (r) => r.type },
  revision: { kind: 'number', get: (r) => r.revision },
  user_profile_id: { kind: 'number', get: (r) => r.user_profile_id },
};

const OPS = [
  'eq',
  'ieq',
  'not-eq',
  'not-ieq',
  'contains',
  'starts',
  'ends',
  'icontains',
  'istarts',
  'iends',
  'null',
  'not-null',
  'empty',
  'not-empty',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
] as const;
type Op = (typeof OPS)[number];
const TEXT_OPS = new Set<Op>([
  'ieq',
  'not-ieq',
  'contains',
  'starts',
  'ends',
  'icontains',
  'istarts',
  'iends',
]);

interface Filter {
  field: string;
  op: Op;
  values: Value[];
}

export interface ClientQuery {
  first: number;
  after?: Value[];
  includeDeleted: boolean;
  filters: Filter[];
  order: { field: string; desc: boolean }[];
  loadOnly?: string[];
}

function field(name: string) {
  const f = FIELDS[name];
  if (!f) throw new InvalidParameter(`Unknown field '${name}' of entity Client.`);
  return f;
}

function parseValue(name: string, kind: Kind, raw: string): Value {
  if (kind === 'string') return raw;
  if (kind === 'boolean') {
    if (raw === 'true' || raw === 'false') return raw === 'true';
  } else if (kind === 'number') {
    if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  } else {
    const micros = parsePipelinerDate(raw);
    if (micros !== undefined) return micros;
  }
  throw new InvalidParameter(`Invalid value '${raw}' for field '${name}' (${kind}).`);
}

function parseBoolean(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new InvalidParameter(`Parameter '${name}' must be true or false.`);
}

export function decodeAfter(cursor: string): Value[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded.length === 0)
    throw new InvalidParameter(`Invalid cursor '${cursor}'.`);
  return decoded as Value[];
}

export function encodeCursor(values: Value[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64');
}

export function parseClientQuery(q: Record<string, unknown>): ClientQuery {
  const rawFirst = queryValue(q['first']);
  let first = DEFAULT_FIRST;
  if (rawFirst !== undefined) {
    if (!/^\d+$/.test(rawFirst)) throw new InvalidParameter(`Parameter 'first' must be an integer.`);
    first = Number(rawFirst);
    if (first < 1 || first > MAX_FIRST)
      throw new InvalidParameter(`Parameter 'first' must be between 1 and ${MAX_FIRST}.`);
  }
  const filters: Filter[] = [];
  for (const [key, value] of Object.entries(q)) {
    const m = /^filter\[([^\]]+)\]$/.exec(key);
    if (!m) continue;
    const name = m[1]!;
    const f = field(name);
    const op = (queryValue(q[`filter-op[${name}]`]) ?? 'eq') as Op;
    if (!OPS.includes(op)) throw new InvalidParameter(`Unknown filter operator '${op}'.`);
    if (TEXT_OPS.has(op) && f.kind !== 'string')
      throw new InvalidParameter(`Filter operator '${op}' cannot be used on field '${name}'.`);
    const raw = queryValue(value) ?? '';
    const parts = op === 'between' ? raw.split(',') : [raw];
    if (op === 'between' && parts.length !== 2)
      throw new InvalidParameter(`Filter operator 'between' needs two values separated by ','.`);
    filters.push({ field: name, op, values: parts.map((p) => parseValue(name, f.kind, p)) });
  }
  const orderBy = queryValue(q['order-by']);
  const order = (orderBy ? orderBy.split(',') : [])
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => ({ field: s.replace(/^-/, ''), desc: s.startsWith('-') }));
  for (const o of order) field(o.field);
  const loadOnly = queryValue(q['load-only'])
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const after = queryValue(q['after']);
  return {
    first,
    ...(after ? { after: decodeAfter(after) } : {}),
    includeDeleted: parseBoolean('include-deleted', queryValue(q['include-deleted'])),
    filters,
    order,
    ...(loadOnly?.length ? { loadOnly } : {}),
  };
}

const lower = (v: Value) => String(v ?? '').toLowerCase();

function test(filter: Filter, record: ClientRecord): boolean {
  const v = FIELDS[filter.field]!.get(record);
  const [a, b] = filter.values;
  const s = String(v ?? '');
  switch (filter.op) {
    case 'eq':
      return v === a;
    case 'not-eq':
      return v !== a;
    case 'ieq':
      return v !== null && lower(v) === lower(a!);
    case 'not-ieq':
      return v === null || lower(v) !== lower(a!);
    case 'contains':
      return s.includes(String(a));
    case 'starts':
      return s.startsWith(String(a));
    case 'ends':
      return s.endsWith(String(a));
    case 'icontains':
      return lower(v).includes(lower(a!));
    case 'istarts':
      return lower(v).startsWith(lower(a!));
    case 'iends':
      return lower(v).endsWith(lower(a!));
    case 'null':
      return v === null;
    case 'not-null':
      return v !== null;
    case 'empty':
      return v === null || v === '';
    case 'not-empty':
      return v !== null && v !== '';
    case 'between':
      return v !== null && compareValues(v, a!) >= 0 && compareValues(v, b!) <= 0;
    default: {
      if (v === null) return false;
      const c = compareValues(v, a!);
      return filter.op === 'gt' ? c > 0 : filter.op === 'gte' ? c >= 0 : filter.op === 'lt' ? c < 0 : c <= 0;
    }
  }
}

/** Text by its letters (case and accents aside), as the database collates; nulls last. */
function compareValues(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'string' && typeof b === 'string')
    return a.localeCompare(b, 'en', { sensitivity: 'base' });
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The sort key of a record: its order-by values, then its id (the tie-break, in the last key's direction). */
const keyOf = (q: ClientQuery, r: ClientRecord): Value[] => [
  ...q.order.map((o) => FIELDS[o.field]!.get(r)),
  r.id,
];

function compareKeys(q: ClientQuery, a: Value[], b: Value[]): number {
  const idDesc = q.order.at(-1)?.desc ?? false;
  for (let i = 0; i < a.length; i++) {
    const desc = i < q.order.length ? q.order[i]!.desc : idDesc;
    const c = i < q.order.length ? compareValues(a[i]!, b[i]!) : a[i]! < b[i]! ? -1 : a[i]! > b[i]! ? 1 : 0;
    if (c !== 0) return desc ? -c : c;
  }
  return 0;
}

export interface ClientPage {
  items: ClientRecord[];
  total: number;
  hasNext: boolean;
  hasPrevious: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export function pageOf(all: readonly ClientRecord[], q: ClientQuery): ClientPage {
  const matching = all
    .filter((r) => (q.includeDeleted || !r.is_deleted) && q.filters.every((f) => test(f, r)))
    .sort((a, b) => compareKeys(q, keyOf(q, a), keyOf(q, b)));
  if (q.after && q.after.length !== q.order.length + 1)
    throw new InvalidParameter('Cursor does not match order-by.');
  const start = q.after ? matching.findIndex((r) => compareKeys(q, keyOf(q, r), q.after!) > 0) : 0;
  const from = start < 0 ? matching.length : start;
  const items = matching.slice(from, from + q.first);
  const cursor = (r: ClientRecord | undefined) => (r ? encodeCursor(keyOf(q, r)) : null);
  return {
    items,
    total: matching.length,
    hasNext: from + items.length < matching.length,
    hasPrevious: from > 0,
    startCursor: cursor(items[0]),
    endCursor: cursor(items.at(-1)),
  };
}

/** `load-only=id,email`: only those fields of each record. */
export function loadOnly<T extends object>(record: T, fields: string[] | undefined): Partial<T> {
  if (!fields) return record;
  return Object.fromEntries(Object.entries(record).filter(([k]) => fields.includes(k))) as Partial<T>;
}
