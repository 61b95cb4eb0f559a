/**
 * A vendor's rate-limit headers, read the way its integration declares them (`RateHeaders`): when its
 * window resets (seconds from now, milliseconds, an epoch in seconds or milliseconds, or a date such as
 * Teamleader's `2021-06-15T10:51:23.035+0100`), and whether it says no calls are left.
 */
import type { RateHeaders } from '../integrations/types.ts';
import type { UpstreamResponse } from './types.ts';

function header(response: UpstreamResponse, name: string): string | undefined {
  const raw = response.headers[name.toLowerCase()];
  return Array.isArray(raw) ? raw[0] : raw;
}

/** Milliseconds until the reset the declared reset header names; undefined when absent or unreadable. */
export function resetInMs(
  response: UpstreamResponse,
  headers: RateHeaders | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers?.reset) return undefined;
  const raw = header(response, headers.reset.header);
  if (raw === undefined || raw === '') return undefined;
  const value = headers.reset.unit === 'date' ? Date.parse(raw) : Number(raw);
  if (!Number.isFinite(value)) return undefined;
  switch (headers.reset.unit) {
    case 'seconds':
      return Math.max(0, value * 1000);
    case 'ms':
      return Math.max(0, value);
    case 'epoch-seconds':
      return Math.max(0, value * 1000 - now);
    case 'epoch-ms':
    case 'date':
      return Math.max(0, value - now);
  }
}

/** How long to hold off when the vendor's headers say no calls are left (1 s when it names no reset). */
export function exhaustedForMs(
  response: UpstreamResponse,
  headers: RateHeaders | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers?.remaining) return undefined;
  const remaining = Number(header(response, headers.remaining));
  if (!Number.isFinite(remaining) || remaining > 0) return undefined;
  return resetInMs(response, headers, now) ?? 1000;
}
