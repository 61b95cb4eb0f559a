/**
 * Close's error bodies: `{ "error": "…" }` for most refusals, and for 429 the (deprecated but still sent)
 * rate-limit object with `rate_reset` in seconds (https://developer.close.com/api/overview/rate-limits).
 * The wording of each message is a guess (docs/integrations/close.md).
 */
export const closeError = (error: string) => ({ error });

export const unauthorized = () => closeError('Unauthorized: the API key or OAuth access token is invalid');

export const missingScope = () =>
  closeError('Forbidden: the OAuth access token lacks the all.full_access scope');

export const notFound = () => closeError('Not found');

export function rateLimited(resetMs: number, limit: number, windowMs: number) {
  return {
    error: {
      rate_reset: Math.round(resetMs) / 1000,
      message: `API call count exceeded for this ${windowMs / 1000} second window`,
      rate_limit: limit,
      rate_window: windowMs / 1000,
      rate_limit_type: 'key',
    },
  };
}
