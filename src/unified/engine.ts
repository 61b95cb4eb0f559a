/**
 * The unified engine: plans a list against an integration's mapping (which filters the vendor applies),
 * fetches one vendor page, maps vendor records to unified ones and applies the remaining filters.
 * It knows nothing about any particular vendor.
 */
import { SwitchboardError } from '../errors.ts';
import { matches } from './filters.ts';
import type { ResourceSpec } from './models.ts';
import type { Caller, Condition, ListQuery, UnifiedRecord, UnifiedResourceMapping } from './types.ts';

/** Page state carried in the signed cursor. */
export interface EngineCursor {
  /** Vendor page state. */
  s: unknown;
  /** Indexes of the conditions the vendor applies. */
  p: number[];
  /** Page size, fixed for a whole walk (vendor page numbers depend on it). */
  n: number;
  /** Records of the vendor page `s` already returned (its page was larger than the caller's limit). */
  o?: number;
}

export interface UnifiedPage {
  records: UnifiedRecord[];
  raw: unknown;
  next: EngineCursor | undefined;
  pushed: Condition[];
  local: Condition[];
}

export function listMappingOf(
  spec: ResourceSpec,
  mapping: UnifiedResourceMapping | undefined,
  integration: string,
) {
  if (!mapping?.list) {
    throw new SwitchboardError(
      'METHOD_NOT_ALLOWED',
      `${integration} does not support listing ${spec.model}/${spec.resource}`,
    );
  }
  return mapping.list;
}

export async function fetchUnifiedPage(
  caller: Caller,
  spec: ResourceSpec,
  mapping: UnifiedResourceMapping,
  integration: string,
  query: ListQuery,
  pageSize: number,
  cursor: EngineCursor | undefined,
  mapRecord?: (record: unknown) => UnifiedRecord | undefined,
  /** Return at most `pageSize` records, splitting a larger vendor page (false: whole vendor pages). */
  split = true,
): Promise<UnifiedPage> {
  const list = listMappingOf(spec, mapping, integration);
  for (const key of query.sort) {
    if (!list.sortable.includes(key.field)) {
      throw new SwitchboardError(
        'UNSUPPORTED_FILTER',
        `${integration} cannot sort ${spec.model}/${spec.resource} by ${key.field}` +
          (list.sortable.length ? `; it sorts by ${list.sortable.join(', ')}` : '; it does not sort'),
      );
    }
  }
  let state: unknown;
  let pushedIndexes: number[];
  if (cursor) {
    state = cursor.s;
    pushedIndexes = cursor.p;
    pageSize = cursor.n;
  } else {
    const plan = await list.plan(caller, query, pageSize);
    state = plan.first;
    pushedIndexes = plan.pushed.map((c) => query.conditions.indexOf(c));
  }
  const pushed = pushedIndexes.map((i) => query.conditions[i]!);
  const local = query.conditions.filter((_, i) => !pushedIndexes.includes(i));
  const vendorOnly = local.find((c) => spec.filters[c.field]?.vendorOnly);
  if (vendorOnly) {
    throw new SwitchboardError(
      'UNSUPPORTED_FILTER',
      `${integration} does not support the filter ${vendorOnly.field} on ${spec.model}/${spec.resource}: only a vendor can apply it`,
    );
  }
  const page = await list.fetchPage(caller, query, state, pageSize);
  const map = mapRecord ?? (await mapping.mapper(caller));
  const records: UnifiedRecord[] = [];
  for (const vendorRecord of page.records) {
    const record = map(vendorRecord);
    if (record !== undefined && (local.length === 0 || matches(spec, record, local))) records.push(record);
  }
  // Some vendors answer more than was asked (Salesforce's smallest batch is 200, Pipedrive lists every
  // user at once): the rest of the page is the next page, read again from the same vendor page state.
  const from = cursor?.o ?? 0;
  const until = split && list.rereadablePages !== false ? from + pageSize : records.length;
  if (until < records.length) {
    return {
      records: records.slice(from, until),
      raw: page.raw,
      next: { s: state, p: pushedIndexes, n: pageSize, o: until },
      pushed,
      local,
    };
  }
  return {
    records: from > 0 ? records.slice(from) : records,
    raw: page.raw,
    next: page.next === undefined ? undefined : { s: page.next, p: pushedIndexes, n: pageSize },
    pushed,
    local,
  };
}

/** Every matching record across all vendor pages, one page in memory at a time. */
export async function* walkUnified(
  caller: Caller,
  spec: ResourceSpec,
  mapping: UnifiedResourceMapping,
  integration: string,
  query: ListQuery,
  pageSize: number,
): AsyncGenerator<UnifiedRecord> {
  const map = await mapping.mapper(caller);
  let cursor: EngineCursor | undefined;
  do {
    const page = await fetchUnifiedPage(
      caller,
      spec,
      mapping,
      integration,
      query,
      pageSize,
      cursor,
      map,
      false,
    );
    yield* page.records;
    cursor = page.next;
  } while (cursor);
}

export async function getUnified(
  caller: Caller,
  spec: ResourceSpec,
  mapping: UnifiedResourceMapping | undefined,
  integration: string,
  id: string,
): Promise<UnifiedRecord> {
  if (!mapping?.get) {
    throw new SwitchboardError(
      'METHOD_NOT_ALLOWED',
      `${integration} does not support reading one ${spec.model}/${spec.resource}`,
    );
  }
  const vendorRecord = await mapping.get(caller, id);
  const record = vendorRecord === undefined ? undefined : (await mapping.mapper(caller))(vendorRecord);
  if (record === undefined) {
    throw new SwitchboardError('NOT_FOUND', `${spec.model}/${spec.resource} ${id} was not found`);
  }
  return record;
}
