/**
 * Reads a unified list request's query (already parsed by `qs`): filters with operators, `sort_by`, paging
 * and the `truto_*` options. Anything unknown or malformed is a 400 that says what is accepted; nothing is
 * silently ignored.
 */
import { SwitchboardError } from '../errors.ts';
import type { ResourceSpec } from './models.ts';
import { type Condition, type ListQuery, OPERATORS, type Operator, type SortKey } from './types.ts';

export const RESPONSE_FORMATS = ['unified', 'raw', 'normalized', 'stream'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export interface OutputOptions {
  format: ResponseFormat;
  keyBy: string | undefined;
  ignoreRemoteData: boolean;
  excludeFields: string[];
}

export interface ParsedListRequest {
  query: ListQuery;
  limit: number | undefined;
  ignoreLimit: boolean;
  nextCursor: string | undefined;
  output: OutputOptions;
}

const RESERVED = new Set([
  'integrated_account_id',
  'limit',
  'next_cursor',
  'prev_cursor',
  'sort_by',
  'remote_query',
]);

function invalid(message: string): SwitchboardError {
  return new SwitchboardError('INVALID_REQUEST', message);
}

function scalar(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a single value`);
  return value;
}

export function parseBoolean(name: string, value: unknown): boolean {
  const raw = scalar(name, value);
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw invalid(`${name} must be true or false`);
}

export function parseLimit(value: unknown, max: number): number | undefined {
  const raw = scalar('limit', value);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw invalid(`limit must be a whole number from 1 to ${max} (the vendor's largest page)`);
  }
  return Number(raw);
}

/** `a,b` or `a[]=…` (array) forms. */
export function stringList(name: string, value: unknown): string[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => {
    if (typeof item !== 'string') throw invalid(`${name} must be a list of names`);
    return item
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  });
}

export function parseOutputOptions(raw: Record<string, unknown>): OutputOptions {
  const format = (scalar('truto_response_format', raw['truto_response_format']) ||
    'unified') as ResponseFormat;
  if (!RESPONSE_FORMATS.includes(format)) {
    throw invalid(`truto_response_format must be one of ${RESPONSE_FORMATS.join(', ')}`);
  }
  return {
    format,
    keyBy: scalar('truto_key_by', raw['truto_key_by']) || undefined,
    ignoreRemoteData: parseBoolean('truto_ignore_remote_data', raw['truto_ignore_remote_data']),
    excludeFields: stringList('truto_exclude_fields', raw['truto_exclude_fields']),
  };
}

const KNOWN_TRUTO = new Set([
  'truto_response_format',
  'truto_key_by',
  'truto_ignore_limit',
  'truto_ignore_remote_data',
  'truto_exclude_fields',
]);

export function parseListRequest(
  raw: Record<string, unknown>,
  spec: ResourceSpec,
  maxLimit: number,
): ParsedListRequest {
  const conditions: Condition[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (RESERVED.has(key)) continue;
    if (key.startsWith('truto_')) {
      if (!KNOWN_TRUTO.has(key))
        throw invalid(`unsupported option ${key}; supported: ${[...KNOWN_TRUTO].join(', ')}`);
      continue;
    }
    const name = spec.aliases?.[key] ?? key;
    if (!spec.filters[name]) {
      throw new SwitchboardError(
        'UNSUPPORTED_FILTER',
        `${spec.model}/${spec.resource} has no filter "${key}"; supported: ${Object.keys(spec.filters).join(', ')}`,
      );
    }
    conditions.push(...parseFilter(spec, name, key, value));
  }
  const remoteQuery = raw['remote_query'] ?? {};
  if (typeof remoteQuery !== 'object' || Array.isArray(remoteQuery))
    throw invalid('remote_query must be an object');
  return {
    query: {
      conditions,
      sort: parseSort(spec, raw['sort_by']),
      remoteQuery: remoteQuery as Record<string, unknown>,
    },
    limit: parseLimit(raw['limit'], maxLimit),
    ignoreLimit: parseBoolean('truto_ignore_limit', raw['truto_ignore_limit']),
    nextCursor: scalar('next_cursor', raw['next_cursor']) || undefined,
    output: parseOutputOptions(raw),
  };
}

function parseFilter(spec: ResourceSpec, name: string, key: string, value: unknown): Condition[] {
  const filter = spec.filters[name]!;
  // `email=x` → eq; `email[]=x&email[]=y` → in; `created_at[gte]=…` → operator object.
  // Truto's `emails[email]=x` form is read as the nested field.
  let terms: Array<[string, unknown]>;
  if (typeof value === 'string') terms = [['eq', value]];
  else if (Array.isArray(value)) terms = [['in', value]];
  else if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    terms = entries.map(([op, v]) => (op === name && key !== name ? ['eq', v] : [op, v]));
  } else throw invalid(`filter ${key} has no value`);

  return terms.map(([op, v]) => {
    if (!OPERATORS.includes(op as Operator) || !filter.ops.includes(op as Operator)) {
      throw new SwitchboardError(
        'UNSUPPORTED_FILTER',
        `filter ${key} accepts the operators ${filter.ops.join(', ')}; got "${op}"`,
      );
    }
    const list = op === 'in' || op === 'nin';
    const values = list ? stringList(key, v) : [scalar(`${key}[${op}]`, v) ?? ''];
    if (!list && values[0] === '') throw invalid(`filter ${key} needs a value`);
    if (list && values.length === 0) throw invalid(`filter ${key}[${op}] needs at least one value`);
    for (const item of values) checkValue(filter, key, item);
    return { field: name, op: op as Operator, value: list ? values : values[0]! };
  });
}

function checkValue(filter: ResourceSpec['filters'][string], key: string, value: string): void {
  if (filter.type === 'enum' && !filter.values!.includes(value)) {
    throw invalid(`filter ${key} must be one of ${filter.values!.join(', ')}; got "${value}"`);
  }
  if (filter.type === 'boolean' && value !== 'true' && value !== 'false')
    throw invalid(`filter ${key} must be true or false`);
  if (filter.type === 'datetime' && Number.isNaN(Date.parse(value))) {
    throw invalid(`filter ${key} must be an ISO 8601 date-time such as 2024-01-31T00:00:00Z; got "${value}"`);
  }
}

/**
 * `sort_by=created_at` (ascending), `sort_by=-created_at` (descending), several separated by commas, or
 * `sort_by[created_at]=desc`.
 */
export function parseSort(spec: ResourceSpec, value: unknown): SortKey[] {
  if (value === undefined || value === '') return [];
  let keys: SortKey[];
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    keys = Object.entries(value as Record<string, unknown>).map(([field, dir]) => {
      if (dir !== 'asc' && dir !== 'desc') throw invalid(`sort_by[${field}] must be asc or desc`);
      return { field, direction: dir };
    });
  } else {
    keys = stringList('sort_by', value).map((item) =>
      item.startsWith('-') ? { field: item.slice(1), direction: 'desc' } : { field: item, direction: 'asc' },
    );
  }
  for (const key of keys) {
    const field = spec.aliases?.[key.field] ?? key.field;
    if (!spec.sortBy.includes(field)) {
      throw invalid(
        `cannot sort ${spec.model}/${spec.resource} by "${key.field}"; sort_by accepts ${spec.sortBy.join(', ')}`,
      );
    }
    key.field = field;
  }
  return keys;
}
