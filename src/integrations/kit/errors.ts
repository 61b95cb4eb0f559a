/**
 * How a vendor says "error", as data: where its message and code are, which statuses or codes mean
 * "rate-limited", "credentials refused" or "missing permission", and which 2xx answers are errors anyway.
 */
import type { UpstreamResponse } from '../../upstream/types.ts';
import type { VendorErrorVerdict } from '../types.ts';
import { type JsonPath, valueAt } from './select.ts';

export interface Match {
  status?: number[];
  codes?: string[];
}

export interface ErrorRules {
  /** Where the message is; the first non-empty string wins. */
  message?: JsonPath | JsonPath[];
  /** Where the vendor's own error code is. */
  code?: JsonPath | JsonPath[];
  /** Default: HTTP 401. */
  unauthorized?: Match;
  /** Default: HTTP 429. */
  rateLimited?: Match;
  /** Default: HTTP 403 (a missing scope or permission: the credentials themselves are fine). */
  forbidden?: Match;
  /** Errors sent with a 2xx status: a path whose presence (truthy) means error, or a test. */
  errorIn2xx?: JsonPath | ((body: unknown) => boolean);
  /** Vendor code → the status Switchboard answers (when the vendor's own status misleads). */
  clientStatus?: Record<string, number>;
}

const MAX_MESSAGE = 500;

function firstText(body: unknown, paths: JsonPath | JsonPath[] | undefined): string | undefined {
  for (const path of [paths ?? []].flat()) {
    const value = valueAt(body, path);
    if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, MAX_MESSAGE);
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

function matches(
  match: Match | undefined,
  fallback: number[],
  status: number,
  code: string | undefined,
): boolean {
  if ((match?.status ?? fallback).includes(status)) return true;
  return code !== undefined && (match?.codes ?? []).includes(code);
}

export function errorRules(
  label: string,
  rules: ErrorRules = {},
): (response: UpstreamResponse) => VendorErrorVerdict | undefined {
  return (response) => {
    const { body, status } = response;
    const in2xx =
      status < 400 &&
      rules.errorIn2xx !== undefined &&
      (typeof rules.errorIn2xx === 'function'
        ? rules.errorIn2xx(body)
        : Boolean(valueAt(body, rules.errorIn2xx)));
    if (status < 400 && !in2xx) return undefined;
    const code = firstText(body, rules.code);
    const message =
      firstText(body, rules.message) ??
      (typeof body === 'string' && body.trim() ? body.trim().slice(0, MAX_MESSAGE) : undefined) ??
      `${label} answered HTTP ${status}`;
    return {
      rateLimited: matches(rules.rateLimited, [429], status, code),
      unauthorized: matches(rules.unauthorized, [401], status, code),
      forbidden: matches(rules.forbidden, [403], status, code),
      message,
      vendorCode: code,
      clientStatus: code !== undefined ? rules.clientStatus?.[code] : undefined,
    };
  };
}
