/**
 * What an integration declares. Mostly data; functions only where data cannot say it
 * (auth placement, error detection). Adding an integration means adding one folder that exports one
 * `IntegrationDefinition` and registering it in `registry.ts`.
 */
import type { Caller, UnifiedResourceMapping } from '../unified/types.ts';

export interface AsyncCheck {
  status: 'pending' | 'completed' | 'failed';
  outcome?: unknown;
}

import type { UpstreamCall, UpstreamResponse } from '../upstream/types.ts';

export interface CredentialField {
  name: string;
  label: string;
  type: 'text' | 'password' | 'select';
  /** Secret fields are encrypted at rest and never returned, logged or echoed in errors. */
  secret: boolean;
  required: boolean;
  help?: string;
  placeholder?: string;
  options?: Array<{ label: string; value: string }>;
}

/** An account's context: the credential fields plus any configuration (all values are strings here). */
export type AccountContext = Record<string, unknown>;

export interface VendorErrorVerdict {
  /** The vendor says the caller is over its rate limit (whatever HTTP status it used). */
  rateLimited: boolean;
  /** The vendor refused the credentials (wrong keys, wrong region, deactivated key owner). */
  unauthorized: boolean;
  message: string;
  /**
   * The status Switchboard should answer when the vendor's own is misleading (LeadSquared sends validation
   * and duplicate errors as HTTP 500): e.g. 400, 409, 422. Undefined: derived from the vendor's status.
   */
  clientStatus?: number;
}

export interface IntegrationDefinition {
  name: string;
  label: string;
  credentials: CredentialField[];
  /** The upstream origin (scheme://host[:port]) for an account, from its context. */
  upstreamOrigin(context: AccountContext): string;
  /** Whether the vendor itself serves this origin (operators may allow more; see the host guard). */
  servesOrigin(origin: URL): boolean;
  /** Names the origins `servesOrigin` accepts, for error messages. */
  servedOriginsHint: string;
  /** Path prefix of every API call under the origin (LeadSquared: `/v2`). */
  basePath: string;
  /** Where the credentials go on each upstream call. */
  authorize(context: AccountContext): { headers?: Record<string, string>; query?: Record<string, string> };
  /** A cheap read that proves the credentials work; run when an account is created or reconnected. */
  validation?: UpstreamCall;
  /** The vendor's published budget per account, unless the account overrides it. */
  rateLimit: { calls: number; windowSeconds: number };
  /** Recognises vendor errors, including ones sent with HTTP 200. Undefined = not an error. */
  detectError(response: UpstreamResponse): VendorErrorVerdict | undefined;
  /**
   * Finds where an account really lives from its credentials alone (LeadSquared: any regional host
   * answers `UserByAccessKey.Get` with the account's own host). Asks `probeOrigins` in parallel (the
   * vendor's default host when none are given); `apiHost` is the context value to store.
   */
  discoverOrigin?(
    context: AccountContext,
    options?: { probeOrigins?: readonly string[]; timeoutMs?: number },
  ): Promise<
    | { kind: 'found'; apiHost: string; probedOrigin: string; accountName?: string; userName?: string }
    | { kind: 'unauthorized'; message: string }
    | { kind: 'unreachable'; message: string }
  >;
  /** The vendor's own resources, one-to-one (`/proxy/{resource}`). */
  proxy: Record<string, ProxyResource>;
  /** Unified mappings by `model/resource` (e.g. `user-directory/users`). */
  unified: Record<string, UnifiedResourceMapping>;
  /** How to check a tracked async operation against the vendor, by kind (see `src/async-requests/`). */
  asyncChecks?: Record<string, (caller: Caller, details: Record<string, unknown>) => Promise<AsyncCheck>>;
}

/** Query parameters a proxy caller sent, minus Switchboard's own (`limit`, `next_cursor`, …). */
export type ProxyQuery = Record<string, unknown>;

export interface ProxyList<S = unknown> {
  /** The vendor's largest page, when it pages at all. */
  maxPageSize?: number;
  /** The upstream call for one page (`state` undefined = the first page). */
  request(input: { query: ProxyQuery; state: S | undefined; limit: number | undefined }): UpstreamCall;
  /** The records in a page's body (Truto's `response_path`). */
  records(body: unknown): unknown[];
  /** The next page's state, or undefined when this was the last page. */
  next(input: {
    body: unknown;
    state: S | undefined;
    limit: number | undefined;
    records: unknown[];
  }): S | undefined;
}

export interface ProxyGet {
  request(input: { id: string; query: ProxyQuery }): UpstreamCall;
  /** The record in the body, or undefined when the vendor says there is none (→ 404). */
  record(body: unknown): unknown | undefined;
}

/** A write on a proxy resource: the caller's body goes to the vendor as it is; the vendor's answer comes back. */
export interface ProxyWrite {
  request(input: { id?: string; body: unknown; query: ProxyQuery }): UpstreamCall;
}

export interface ProxyResource {
  description: string;
  list?: ProxyList<unknown>;
  get?: ProxyGet;
  create?: ProxyWrite;
  update?: ProxyWrite;
  delete?: ProxyWrite;
  /** Custom methods: `POST /proxy/{resource}/{method}`. */
  methods?: Record<string, ProxyWrite>;
}
