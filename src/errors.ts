/**
 * The error catalogue: every error Switchboard answers with has a stable `code`, and the HTTP status is
 * derived from the code, so handlers never pick status numbers. The wire envelope is Truto's:
 * `{ statusCode, error, message, code, ... }`.
 */
import { STATUS_CODES } from 'node:http';

export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  INVALID_JSON: 400,
  /** A JSON body nested deeper than Switchboard accepts (refused before it is parsed). */
  BODY_TOO_DEEP: 400,
  INVALID_CURSOR: 400,
  MISSING_REQUIRED_FIELDS: 400,
  UNSUPPORTED_FILTER: 400,
  UPSTREAM_HOST_NOT_ALLOWED: 400,
  /** A request's final URL would leave the account's origin or the integration's base path (origin guard). */
  UPSTREAM_PATH_NOT_ALLOWED: 400,
  /** The environment has not set up the integration's OAuth app (client id and secret). */
  OAUTH_APP_NOT_CONFIGURED: 400,
  UNAUTHORIZED: 401,
  /** The account's OAuth grant was revoked or expired: the customer must reconnect through a link token. */
  ACCOUNT_NEEDS_REAUTH: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  REQUEST_TIMEOUT: 408,
  LINK_TOKEN_INVALID: 410,
  BODY_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  UNPROCESSABLE: 422,
  /** `truto_key_by` names a field whose values repeat on the page: keying would drop records. */
  KEY_BY_NOT_UNIQUE: 422,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  VENDOR_RATE_LIMITED: 429,
  /** Switchboard's own pacing of the vendor's limit: the call could not start within the maximum wait. */
  UPSTREAM_BUDGET_EXHAUSTED: 429,
  REMOTE_ERROR: 502,
  INTERNAL: 500,
  UPSTREAM_BAD_RESPONSE: 502,
  UPSTREAM_UNAVAILABLE: 503,
  /** The vendor origin failed repeatedly: calls fail fast until a trial call succeeds. */
  UPSTREAM_CIRCUIT_OPEN: 503,
  /** REDIS_URL is set but Redis cannot be reached: vendor calls are refused rather than sent unpaced. */
  RATE_LIMIT_STORE_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
  /** The vendor's token endpoint failed for a passing reason (network, 5xx, 429): retry shortly. */
  TOKEN_REFRESH_UNAVAILABLE: 503,
  /** The vendor refused a token request for a configuration reason (a wrong client id or secret). */
  TOKEN_REFRESH_REFUSED: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorExtras {
  details?: unknown;
  /** Set when the vendor, not Switchboard, refused: the vendor's status is kept. */
  truto_is_remote_error?: boolean;
  raw_response?: unknown;
  truto_error_insight?: Record<string, { description: string; value?: unknown }>;
  /** Overrides the status derived from the code (remote errors keep the vendor's status). */
  statusCode?: number;
  headers?: Record<string, string>;
}

export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly extras: ErrorExtras;

  constructor(code: ErrorCode, message: string, extras: ErrorExtras = {}) {
    super(message);
    this.name = 'SwitchboardError';
    this.code = code;
    this.statusCode = extras.statusCode ?? ERROR_STATUS[code];
    this.extras = extras;
  }

  toJSON(): Record<string, unknown> {
    const { statusCode: _status, headers: _headers, ...rest } = this.extras;
    return {
      statusCode: this.statusCode,
      error: STATUS_CODES[this.statusCode] ?? 'Error',
      message: this.message,
      code: this.code,
      ...rest,
    };
  }
}

export function envelope(statusCode: number, code: ErrorCode, message: string): Record<string, unknown> {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, code };
}
