/**
 * HubSpot's error bodies, as documented in the CRM Owners spec (`Error`: `message`, `correlationId`,
 * `category`, optional `context`/`errors`/`links`) plus the `status: "error"` field HubSpot still sends.
 */
export interface HubSpotError {
  status: 'error';
  message: string;
  correlationId: string;
  category?: string;
  [extra: string]: unknown;
}

/** Missing or unknown token; HubSpot answers both with the same 401 body. */
export function authenticationError(correlationId: string): HubSpotError {
  return {
    status: 'error',
    message:
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    correlationId,
    category: 'INVALID_AUTHENTICATION',
  };
}

/** A bad query or path parameter, e.g. `limit=501` → context `{ limit: ['Must be less than or equal to 500'] }`. */
export function validationError(
  correlationId: string,
  param: string,
  problem: string,
  location: 'query' | 'path' = 'query',
): HubSpotError {
  const context = { [param]: [problem] };
  return {
    status: 'error',
    message: `Invalid input: ${param} ${problem.charAt(0).toLowerCase()}${problem.slice(1)}`,
    correlationId,
    category: 'VALIDATION_ERROR',
    context,
    errors: [
      {
        code: '400',
        context,
        in: location,
        message: `Invalid ${param} value.`,
        subCategory: 'INVALID_PARAMETER',
      },
    ],
    links: { documentation: 'https://developers.hubspot.com/docs/api/overview' },
  };
}

export function notFoundError(correlationId: string, message: string): HubSpotError {
  return { status: 'error', message, correlationId, category: 'OBJECT_NOT_FOUND' };
}

/** HubSpot's 429 body (`errorType`/`policyName` per its usage guidelines); `category` added for uniform parsing. */
export function rateLimitError(
  correlationId: string,
  policy: 'TEN_SECONDLY_ROLLING' | 'DAILY',
): HubSpotError {
  return {
    status: 'error',
    message:
      policy === 'DAILY'
        ? 'You have reached your daily limit.'
        : 'You have reached your ten_secondly_rolling limit.',
    errorType: 'RATE_LIMIT',
    correlationId,
    policyName: policy,
    category: 'RATE_LIMITS',
  };
}

/**
 * An OAuth access token that has expired: HubSpot says how long ago, with its own category (observed in
 * integrators' reports; the minute count is rounded down).
 */
export function expiredAuthenticationError(correlationId: string, expiredAt: number): HubSpotError {
  const minutes = Math.max(0, Math.floor((Date.now() - expiredAt) / 60_000));
  return {
    status: 'error',
    message: `The OAuth token used to make this call expired ${minutes} minute(s) ago.`,
    correlationId,
    category: 'EXPIRED_AUTHENTICATION',
  };
}

/** The token endpoint's error body: `{ status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token' }` and kin. */
export function oauthTokenError(correlationId: string, status: string, message: string) {
  return { status, message, correlationId };
}
