export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One upstream HTTP call, relative to the account's base URL (origin + the integration's base path). */
export interface UpstreamCall {
  method: HttpMethod;
  /** Relative to the base URL (origin + the integration's base path). */
  path: string;
  /** A vendor's own next-page link; used instead of `path`, and must be on the account's origin. */
  absoluteUrl?: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, otherwise the text. */
  body: unknown;
}
