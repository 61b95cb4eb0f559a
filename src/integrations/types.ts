/**
 * What an integration declares. Mostly data; functions only where data cannot say it
 * (auth placement, error detection). Adding an integration means adding one folder that exports one
 * `IntegrationDefinition` and registering it in `registry.ts`.
 */
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
}
