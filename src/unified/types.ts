/**
 * The unified engine's vocabulary. A unified resource (e.g. `user-directory/users`) has a spec (its filters
 * and sort fields, in `models.ts`); an integration supplies a mapping per resource it supports.
 */
import type { UpstreamCall, UpstreamResponse } from '../upstream/types.ts';

export type UnifiedRecord = { id: string; remote_data?: unknown } & Record<string, unknown>;

export const OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'like'] as const;
export type Operator = (typeof OPERATORS)[number];

/** One filter term, e.g. `created_at[gte]=2024-01-01T00:00:00Z` → { field: 'created_at', op: 'gte', value }. */
export interface Condition {
  field: string;
  op: Operator;
  value: string | string[];
}

export interface SortKey {
  field: string;
  direction: 'asc' | 'desc';
}

export interface ListQuery {
  conditions: Condition[];
  sort: SortKey[];
  /** Passed to the vendor untouched (`remote_query[...]`). */
  remoteQuery: Record<string, unknown>;
}

export interface CallOptions {
  /** Safe to repeat (default: GET, or any call of a request with an Idempotency-Key). */
  safe?: boolean;
  /** A plan-gated feature probed on purpose: its refusal says nothing about the credentials. */
  optionalFeature?: boolean;
  /** The request's own resource call: the caller's `remote_query` applies to it (never to lookups). */
  primary?: boolean;
}

/** What a mapping may do upstream, on behalf of one integrated account. */
export interface Caller {
  readonly accountId: string;
  /** The request carries an Idempotency-Key: its writes may be retried, and a mapping may reconcile them. */
  readonly writesAreSafe: boolean;
  /** Tracks a vendor operation that completes later (e.g. LeadSquared's async sales-group changes). */
  trackAsync(input: {
    kind: string;
    details: Record<string, unknown>;
  }): Promise<{ id: string; callbackUrl: string }>;
  call(call: UpstreamCall, options?: CallOptions): Promise<UpstreamResponse>;
  /** Per-account lookup tables (e.g. group names → ids), cached briefly across requests. */
  memo<T>(key: string, load: () => Promise<T>): Promise<T>;
  /**
   * A non-secret text value of the account's context (HighLevel's `location_id`), for mappings that scope
   * their calls by it; secret fields and OAuth tokens are never given out (undefined).
   */
  contextValue?(name: string): string | undefined;
}

export interface ListPlan<S> {
  /** Conditions the vendor applies. The engine applies the rest itself. */
  pushed: Condition[];
  /** The first page's state. */
  first: S;
}

export interface Page<S> {
  records: unknown[];
  /** The vendor's body for this page (`truto_response_format=raw`). */
  raw: unknown;
  next: S | undefined;
}

export interface UnifiedListMapping<S = unknown> {
  /** The vendor's largest page. */
  maxPageSize: number;
  /**
   * False when a page state cannot be fetched twice (Salesforce's query cursors close): a vendor page larger
   * than the caller's limit is then returned whole instead of split across cursors.
   */
  rereadablePages?: boolean;
  /** Sort fields the vendor can apply. Other sort fields are refused (400): sorting one page locally would lie. */
  sortable: readonly string[];
  /** For the meta route: which filters the vendor applies, and how. Unlisted filters are applied by Switchboard. */
  pushdown: Record<string, string>;
  plan(caller: Caller, query: ListQuery, pageSize: number): Promise<ListPlan<S>>;
  fetchPage(caller: Caller, query: ListQuery, state: S, pageSize: number): Promise<Page<S>>;
}

/** A documented body field of a unified write (shown by the meta route; unknown fields are refused). */
export interface BodyField {
  type: string;
  description: string;
  required?: boolean;
  /** Another field that satisfies `required` in this one's place (e.g. `emails` for `email`). */
  alternative?: string;
}

export interface UnifiedWrite<I, O> {
  description: string;
  body: Record<string, BodyField>;
  run(caller: Caller, input: I): Promise<O>;
}

export interface UnifiedResourceMapping {
  list?: UnifiedListMapping<unknown>;
  /** Creates a record; returns the vendor record (mapped by `mapper`). */
  create?: UnifiedWrite<{ body: Record<string, unknown> }, unknown>;
  /** Updates a record; returns the vendor record as it is afterwards. */
  update?: UnifiedWrite<{ id: string; body: Record<string, unknown> }, unknown>;
  delete?: UnifiedWrite<{ id: string }, void>;
  /** Custom methods (`POST /unified/{model}/{resource}/{method}`); their result is returned as `{ result }`. */
  methods?: Record<string, UnifiedWrite<{ body: Record<string, unknown> }, unknown>>;
  /** The vendor record for an id, or undefined when there is none. */
  get?(caller: Caller, id: string): Promise<unknown | undefined>;
  /**
   * Prepares a mapper for vendor records (loading any lookup tables once, not per record). It returns
   * undefined for a record that is not one of the resource's (a queue or an API user among users).
   */
  mapper(caller: Caller): Promise<(record: unknown) => UnifiedRecord | undefined>;
}

/** `model/resource`, e.g. `user-directory/users`. */
export type UnifiedResourceKey = string;
