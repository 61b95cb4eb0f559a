/**
 * Reads the vendor's answer with the integration's error rules: errors are recognised even when sent with
 * HTTP 200, and become AttemptFailures with the client-facing error (the vendor's body in `raw_response`):
 * vendor 4xx → the vendor's status; 5xx → 502; rate-limited → 429 with `Retry-After` (the vendor's, else
 * the reset its rate-limit headers name, else the integration's window); a refused credential
 * → `unauthorized` (the auth step decides what it means for the account).
 */
import { SwitchboardError } from '../../errors.ts';
import { resetInMs } from '../rate-headers.ts';
import { AttemptFailure } from '../retry.ts';
import type { UpstreamResponse } from '../types.ts';
import type { Step } from './types.ts';

export const classify: Step = (next) => async (exchange) => {
  const outcome = await next(exchange);
  const { integration, rateLimit } = exchange.target;
  const verdict = integration.detectError(outcome.response);
  if (!verdict) return outcome;
  const { response } = outcome;
  // Without Retry-After, the reset the vendor's declared rate-limit header names (Accelo, Capsule).
  const waitMs = verdict.rateLimited
    ? (retryAfterMs(response) ?? resetInMs(response, rateLimit.headers))
    : undefined;
  const error = remoteError(
    integration.label,
    response,
    verdict.message,
    verdict.rateLimited,
    verdict.clientStatus,
    rateLimit.windowSeconds,
    verdict.forbidden,
    waitMs,
  );
  if (verdict.unauthorized) throw new AttemptFailure('unauthorized', error);
  if (verdict.rateLimited && !verdict.clientStatus) {
    throw new AttemptFailure('rate-limited', error, waitMs);
  }
  throw new AttemptFailure(response.status >= 500 && !verdict.clientStatus ? 'server' : 'refused', error);
};

export function remoteError(
  label: string,
  response: UpstreamResponse,
  message: string,
  rateLimited: boolean,
  clientStatus?: number,
  windowSeconds = 5,
  forbidden = false,
  waitMs?: number,
): SwitchboardError {
  const extras = { truto_is_remote_error: true, raw_response: response.body };
  const permission = forbidden
    ? {
        truto_error_insight: {
          missing_permission: {
            description: `${label} refused the call: the account lacks a permission or an OAuth scope`,
            value: message,
          },
        },
      }
    : {};
  if (clientStatus) {
    // A vendor status Switchboard corrects (HighLevel's missing scope comes as a 401) keeps its insight.
    return new SwitchboardError('REMOTE_ERROR', `${label}: ${message}`, {
      ...extras,
      statusCode: clientStatus,
      ...permission,
    });
  }
  if (rateLimited) {
    const retryAfter = Math.ceil((waitMs ?? retryAfterMs(response) ?? windowSeconds * 1000) / 1000);
    return new SwitchboardError('VENDOR_RATE_LIMITED', `${label} rate limit: ${message}`, {
      ...extras,
      headers: { 'retry-after': String(retryAfter) },
      truto_error_insight: {
        rate_limit_error: { description: `${label} refused the call as over its rate limit` },
      },
    });
  }
  if (response.status >= 500 || response.status < 400) {
    return new SwitchboardError(
      'REMOTE_ERROR',
      `${label} failed (HTTP ${response.status}): ${message}`,
      extras,
    );
  }
  return new SwitchboardError('REMOTE_ERROR', `${label}: ${message}`, {
    ...extras,
    statusCode: response.status,
    ...permission,
  });
}

export function retryAfterMs(response: UpstreamResponse): number | undefined {
  const raw = response.headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
