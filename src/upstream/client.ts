/**
 * The upstream client: every call to a vendor goes through `call`, which injects the account's auth,
 * enforces the per-attempt timeout, recognises vendor errors (including HTTP 200 + error body) and turns
 * every failure into a SwitchboardError with a clear status:
 * - vendor 4xx → the vendor's status, `truto_is_remote_error`, `raw_response`;
 * - vendor 5xx → 502 (the vendor failed, not Switchboard), with the vendor's body;
 * - vendor rate limiting → 429 with `Retry-After`;
 * - network failure or malformed body → 502; timeout → 504.
 * A vendor 401 reports the account through `hooks.onUnauthorized`; a later success through `onSuccess`.
 */
import { errors as undiciErrors } from 'undici';
import { SwitchboardError } from '../api/errors.ts';
import type { AccountContext, IntegrationDefinition } from '../integrations/types.ts';
import { sendUpstream, UpstreamBodyError } from './http.ts';
import type { UpstreamCall, UpstreamResponse } from './types.ts';

export interface UpstreamTarget {
  accountId: string;
  integration: IntegrationDefinition;
  /** Already checked by the host guard. */
  origin: string;
  context: AccountContext;
  /** The account's budget: the integration's policy unless the account overrides it. */
  rateLimit: { calls: number; windowSeconds: number };
}

export interface CallOptions {
  /** Safe to repeat: reads, and writes that carry an Idempotency-Key. Only safe calls are retried. */
  safe: boolean;
  signal?: AbortSignal;
}

export interface RateBudget {
  limit: number;
  remaining: number;
  resetSeconds: number;
  windowSeconds: number;
}

export interface UpstreamResult {
  response: UpstreamResponse;
  budget?: RateBudget;
}

export interface AccountStatusHooks {
  onUnauthorized(accountId: string, message: string): Promise<void>;
  onSuccess(accountId: string): Promise<void>;
}

export interface UpstreamClientOptions {
  hooks: AccountStatusHooks;
  /** Per attempt. */
  timeoutMs: number;
}

export class UpstreamClient {
  readonly #options: UpstreamClientOptions;

  constructor(options: UpstreamClientOptions) {
    this.#options = options;
  }

  async call(target: UpstreamTarget, call: UpstreamCall, options: CallOptions): Promise<UpstreamResult> {
    const response = await this.attempt(target, call, options.signal);
    return { response };
  }

  /** One attempt: send, then classify. Throws SwitchboardError for every failure. */
  async attempt(target: UpstreamTarget, call: UpstreamCall, signal?: AbortSignal): Promise<UpstreamResponse> {
    const { integration } = target;
    let response: UpstreamResponse;
    try {
      response = await sendUpstream({
        ...call,
        origin: target.origin,
        basePath: integration.basePath,
        auth: integration.authorize(target.context),
        timeoutMs: this.#options.timeoutMs,
        signal,
      });
    } catch (error) {
      throw transportError(integration.label, error);
    }
    const verdict = integration.detectError(response);
    if (!verdict) {
      await this.#options.hooks.onSuccess(target.accountId);
      return response;
    }
    if (verdict.unauthorized) await this.#options.hooks.onUnauthorized(target.accountId, verdict.message);
    throw remoteError(integration.label, response, verdict.message, verdict.rateLimited);
  }
}

export function remoteError(
  label: string,
  response: UpstreamResponse,
  message: string,
  rateLimited: boolean,
): SwitchboardError {
  const extras = { truto_is_remote_error: true, raw_response: response.body };
  if (rateLimited) {
    const retryAfter = retryAfterSeconds(response) ?? 5;
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
  });
}

export function transportError(label: string, error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    (error instanceof Error && error.name === 'TimeoutError')
  ) {
    return new SwitchboardError('UPSTREAM_TIMEOUT', `${label} did not answer in time`);
  }
  if (error instanceof UpstreamBodyError) {
    return new SwitchboardError(
      'UPSTREAM_BAD_RESPONSE',
      `${label} sent an unreadable response: ${error.message}`,
    );
  }
  const code = (error as { code?: string }).code;
  return new SwitchboardError(
    'UPSTREAM_BAD_RESPONSE',
    `could not complete the call to ${label}${code ? ` (${code})` : ''}: ${(error as Error).message}`,
  );
}

function retryAfterSeconds(response: UpstreamResponse): number | undefined {
  const raw = response.headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
