/**
 * A vendor resource as data: how to list it (request, paginator, record selector, page sizes), how to get
 * one by id, and its writes. The proxy API serves it one-to-one; unified mappings page through the very
 * same list definition, so paging is written once per vendor.
 */
import type { Caller } from '../../unified/types.ts';
import type { HttpMethod, UpstreamCall, UpstreamResponse } from '../../upstream/types.ts';
import type { Paginator } from './paginate/types.ts';
import { type JsonPath, recordsAt, valueAt } from './select.ts';

/** Query parameters a proxy caller sent, minus Switchboard's own (`limit`, `next_cursor`, …). */
export type ProxyQuery = Record<string, unknown>;

/** A request as data: `{id}` in the path is replaced by the record id (URL-encoded). */
export interface RequestSpec {
  method?: HttpMethod;
  path: string;
  query?: UpstreamCall['query'];
  headers?: Record<string, string>;
  body?: unknown;
}

export type RequestBuilder<I> = RequestSpec | ((input: I) => UpstreamCall);

export interface ListDefinition<S = unknown> {
  /** The first page's request, before paging parameters (a proxy caller's query is added to a spec's). */
  request: RequestBuilder<{ query: ProxyQuery }>;
  paginator: Paginator<S>;
  /** Where the records are in a page's body (`results`, `data`, `items.*.data`, `''` for a bare array). */
  records: JsonPath | ((body: unknown) => unknown[]);
  /** The vendor's largest page; undefined when it does not page. */
  maxPageSize?: number;
  /** The page size used when the caller names none (default min(100, max)). */
  defaultPageSize?: number;
  /** False when the vendor's page state is single use (see `UnifiedListMapping.rereadablePages`). */
  rereadablePages?: boolean;
}

export interface GetDefinition {
  request: RequestBuilder<{ id: string; query: ProxyQuery }>;
  /** Where the record is in the body (default: the body itself). */
  record?: JsonPath | ((body: unknown) => unknown);
}

/** A write on a proxy resource: the caller's body goes to the vendor as it is; the vendor's answer comes back. */
export interface ProxyWrite {
  request(input: { id?: string; body: unknown; query: ProxyQuery }): UpstreamCall;
}

export interface ProxyResource {
  description: string;
  list?: ListDefinition<unknown>;
  get?: GetDefinition;
  create?: ProxyWrite;
  update?: ProxyWrite;
  delete?: ProxyWrite;
  /** Custom methods: `POST /proxy/{resource}/{method}`. */
  methods?: Record<string, ProxyWrite>;
}

/** A resource definition, with its paginator's state type checked where it is written. */
export function resource<S>(
  definition: Omit<ProxyResource, 'list'> & { list?: ListDefinition<S> },
): ProxyResource {
  return definition as ProxyResource;
}

function stringQuery(query: ProxyQuery): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** The call a request spec stands for; `{id}` is filled in, the caller's query added after the spec's. */
export function buildRequest<I extends { query: ProxyQuery; id?: string }>(
  builder: RequestBuilder<I>,
  input: I,
): UpstreamCall {
  if (typeof builder === 'function') return builder(input);
  const path =
    input.id === undefined ? builder.path : builder.path.replaceAll('{id}', encodeURIComponent(input.id));
  return {
    method: builder.method ?? 'GET',
    path,
    query: { ...builder.query, ...stringQuery(input.query) },
    ...(builder.headers ? { headers: builder.headers } : {}),
    ...(builder.body !== undefined ? { body: builder.body } : {}),
  };
}

export function pageSizeOf(list: ListDefinition<unknown>, asked: number | undefined): number | undefined {
  if (list.maxPageSize === undefined) return undefined;
  return Math.min(asked ?? list.defaultPageSize ?? Math.min(100, list.maxPageSize), list.maxPageSize);
}

export interface ListPage<S> {
  records: unknown[];
  /** The vendor's body for this page. */
  raw: unknown;
  response: UpstreamResponse;
  next: S | undefined;
}

/** Fetches one page of a list: the base call, paged as the paginator says. */
export async function fetchListPage<S>(
  caller: Caller,
  list: ListDefinition<S>,
  base: UpstreamCall,
  state: S | undefined,
  pageSize: number | undefined,
  options: { primary?: boolean } = {},
): Promise<ListPage<S>> {
  const response = await caller.call(list.paginator.page(base, state, pageSize), { safe: true, ...options });
  const records =
    typeof list.records === 'function' ? list.records(response.body) : recordsAt(response.body, list.records);
  const next = list.paginator.next({ response, records, state, pageSize });
  return { records, raw: response.body, response, next };
}

/** The record a get definition reads, or undefined when the body holds none. */
export function recordOf(get: GetDefinition, body: unknown): unknown {
  if (get.record === undefined) return body;
  return typeof get.record === 'function' ? get.record(body) : valueAt(body, get.record);
}
