/**
 * A paginator is a vendor's paging scheme as data: how to ask for one page, and how to find the next one
 * in the answer. The proxy API and the unified API page through the same definition. A paginator's
 * state must be JSON (it travels inside Switchboard's signed cursor).
 */
import type { UpstreamCall, UpstreamResponse } from '../../../upstream/types.ts';
import { withValueAt } from '../select.ts';

/** Where a page parameter goes: the query string, or a path in the JSON body (`Paging.PageIndex`). */
export type ParamPlace = 'query' | 'body';

export interface PageOutcome<S> {
  response: UpstreamResponse;
  records: unknown[];
  state: S | undefined;
  pageSize: number | undefined;
}

export interface Paginator<S = unknown> {
  /** One line for the meta route and the docs. */
  readonly describe: string;
  /** The call for one page: `state` undefined is the first page. */
  page(call: UpstreamCall, state: S | undefined, pageSize: number | undefined): UpstreamCall;
  /** The next page's state, or undefined after the last page. */
  next(outcome: PageOutcome<S>): S | undefined;
}

/** `call` with one parameter set (undefined values leave it unset). */
export function withParam(call: UpstreamCall, place: ParamPlace, name: string, value: unknown): UpstreamCall {
  if (value === undefined) return call;
  if (place === 'body') return { ...call, body: withValueAt(call.body ?? {}, name, value) };
  return { ...call, query: { ...call.query, [name]: value as string | number | boolean } };
}

/** A vendor's next-page link: absolute, or origin-relative (`/services/data/…`); checked by the origin guard. */
export function followLink(call: UpstreamCall, link: string): UpstreamCall {
  const { query: _query, ...rest } = call;
  return { ...rest, absoluteUrl: link };
}

export function nonEmpty(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
