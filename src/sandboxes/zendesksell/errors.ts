/**
 * Sell's error envelope, as its official clients read it (zendesk/basecrm-* `BaseError`): a list of
 * `{ error: { code, message, details, resource?, field? }, meta: { type: 'error' } }` and a `meta` with the
 * HTTP status line and a `logref` (the request id).
 */
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export interface SellErrorDetail {
  code: string;
  message: string;
  details: string;
  resource?: string;
  field?: string;
}

export function sellError(status: number, logref: string, error: SellErrorDetail) {
  return {
    errors: [{ error, meta: { type: 'error' } }],
    meta: { type: 'errors', http_status: `${status} ${STATUS_TEXT[status] ?? 'Error'}`, logref },
  };
}

/** The 401 Sell sends for a missing, malformed, expired or revoked token (wording from Sell's community threads). */
export const unauthorized = (logref: string) =>
  sellError(401, logref, {
    code: 'unauthorized',
    message: 'request is unauthorized',
    details: 'Required access token is missing, malformed, expired, or invalid.',
  });

export const forbidden = (logref: string, scope: string) =>
  sellError(403, logref, {
    code: 'forbidden',
    message: 'insufficient scope',
    details: `The access token lacks the \`${scope}\` scope required by this endpoint.`,
  });

export const notFound = (logref: string) =>
  sellError(404, logref, {
    code: 'not_found',
    message: 'resource not found',
    details: 'The requested resource does not exist.',
  });

export const invalidParam = (logref: string, field: string, details: string) =>
  sellError(422, logref, {
    code: 'invalid',
    message: 'invalid parameter',
    details,
    resource: 'users',
    field,
  });

export const rateLimited = (logref: string) =>
  sellError(429, logref, {
    code: 'rate_limit_exceeded',
    message: 'rate limit exceeded',
    details: 'You have exceeded the limit of 36000 requests per hour for this token.',
  });
