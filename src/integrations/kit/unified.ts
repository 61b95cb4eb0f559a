/**
 * A unified resource on top of a vendor resource: the list pages through the resource's own list
 * definition (the same paging as the proxy API), records are mapped by a typed function, and the
 * filters and sorts the vendor can apply are pushed down by `plan`; the engine applies the rest and says
 * so. A vendor list that does not page is sliced by Switchboard, so `limit` always holds.
 */
import { SwitchboardError } from '../../errors.ts';
import type {
  Caller,
  Condition,
  ListQuery,
  UnifiedListMapping,
  UnifiedRecord,
  UnifiedResourceMapping,
} from '../../unified/types.ts';
import type { UpstreamCall } from '../../upstream/types.ts';
import { buildRequest, fetchListPage, type ProxyResource, recordOf } from './resource.ts';

export interface Plan {
  /** The conditions the vendor applies. */
  pushed: Condition[];
  /** The requests to walk, in order (usually one; HubSpot walks active then archived owners). */
  requests: UpstreamCall[];
}

export interface UnifiedOptions<R, U extends UnifiedRecord> {
  /** The vendor resource whose list and get this reads. */
  resource: ProxyResource;
  /** Vendor record → unified record; undefined skips it (queues, API users, bots). */
  map: (record: R) => U | undefined;
  /** Which filters the vendor applies, and how (shown by the meta route). */
  pushdown?: Record<string, string>;
  /** Sort fields the vendor applies (any other sort is refused: sorting one page locally would lie). */
  sortable?: readonly string[];
  /** Splits the query into what the vendor applies (on the base request) and the rest (default: nothing). */
  plan?: (query: ListQuery, base: UpstreamCall, caller: Caller) => Plan | Promise<Plan>;
  /** Reads one record (default: the resource's get; a 404 from the vendor means none). */
  get?: (caller: Caller, id: string) => Promise<unknown | undefined>;
  /**
   * Completes vendor records with further calls before `map` sees them, a page (or a got record) at a
   * time: Capsule users get their email from their party records. Returns one record per record given.
   */
  enrich?: (caller: Caller, records: unknown[]) => Promise<R[]>;
}

interface State {
  /** Which of the plan's requests. */
  r: number;
  /** The paginator's state within it. */
  p?: unknown;
}

export function unifiedFrom<R, U extends UnifiedRecord>(
  options: UnifiedOptions<R, U>,
): UnifiedResourceMapping {
  const list = options.resource.list;
  const planOf = async (caller: Caller, query: ListQuery): Promise<Plan> => {
    if (!list) throw new SwitchboardError('METHOD_NOT_ALLOWED', 'this resource cannot be listed');
    const base = buildRequest(list.request, { query: {} });
    return options.plan ? options.plan(query, base, caller) : { pushed: [], requests: [base] };
  };
  const unpaged = list !== undefined && list.maxPageSize === undefined;

  const listing: UnifiedListMapping<State> | undefined = list && {
    maxPageSize: list.maxPageSize ?? 1000,
    rereadablePages: list.rereadablePages ?? true,
    sortable: options.sortable ?? [],
    pushdown: options.pushdown ?? {},
    async plan(caller, query) {
      const plan = await planOf(caller, query);
      return { pushed: plan.pushed, first: { r: 0 } };
    },
    async fetchPage(caller, query, state, pageSize) {
      const { requests } = await planOf(caller, query);
      const request = requests[state.r];
      if (!request) return { records: [], raw: null, next: undefined };
      const page = await fetchListPage(caller, list, request, state.p, unpaged ? undefined : pageSize, {
        primary: true,
      });
      // A list the vendor does not page comes whole; the engine splits it into the caller's pages.
      let records = page.records;
      let next: State | undefined = page.next !== undefined ? { r: state.r, p: page.next } : undefined;
      next ??= state.r + 1 < requests.length ? { r: state.r + 1 } : undefined;
      if (options.enrich && records.length > 0) records = await options.enrich(caller, records);
      return { records, raw: page.raw, next };
    },
  };

  const read = options.get ?? (options.resource.get ? defaultGet(options.resource) : undefined);
  const enrich = options.enrich;
  const get =
    read && enrich
      ? async (caller: Caller, id: string) => {
          const record = await read(caller, id);
          return record === undefined ? undefined : (await enrich(caller, [record]))[0];
        }
      : read;
  return {
    list: listing as UnifiedListMapping<unknown> | undefined,
    get,
    mapper: async () => (record) => options.map(record as R),
  };
}

function defaultGet(resource: ProxyResource) {
  const definition = resource.get!;
  return async (caller: Caller, id: string): Promise<unknown | undefined> => {
    try {
      const response = await caller.call(buildRequest(definition.request, { id, query: {} }), { safe: true });
      return recordOf(definition, response.body);
    } catch (error) {
      if (error instanceof SwitchboardError && error.statusCode === 404) return undefined;
      throw error;
    }
  };
}

/** The conditions of a query that are plain `eq` on one of `fields`, by field. */
export function equalities(query: ListQuery, fields: readonly string[]): Map<string, Condition> {
  const found = new Map<string, Condition>();
  for (const condition of query.conditions) {
    if (condition.op === 'eq' && !Array.isArray(condition.value) && fields.includes(condition.field)) {
      if (!found.has(condition.field)) found.set(condition.field, condition);
    }
  }
  return found;
}
