/**
 * Teamleader's error bodies. The API answers `{ "errors": [{ "title", "status", "code"?, "meta"? }] }`
 * (https://github.com/teamleadercrm/api/blob/master/GUIDELINES.md#errors); the wording of each title is a
 * guess. The OAuth token endpoint is a PHP League `oauth2-server` (its JWT access tokens carry League's
 * claims), so its errors take League's shape: `{ error, error_description, hint?, message }`.
 */
import type { OAuthError } from '../kit/oauth/types.ts';

export interface TeamleaderError {
  errors: Array<{ title: string; status: number; code?: number; meta?: Record<string, unknown> }>;
}

export function apiError(status: number, title: string, meta?: Record<string, unknown>): TeamleaderError {
  return { errors: [{ title, status, ...(meta ? { meta } : {}) }] };
}

/** A missing, unknown or expired access token. */
export const unauthorizedError = (): TeamleaderError => apiError(401, 'Unauthorized');
/** A token whose integration lacks the `users` scope. */
export const missingScopeError = (scope: string): TeamleaderError =>
  apiError(403, `Forbidden: your integration needs the "${scope}" scope for this endpoint`);
export const rateLimitedError = (): TeamleaderError => apiError(429, 'Too Many Requests');
export const notFoundError = (what: string): TeamleaderError => apiError(404, `${what} not found`);
/** A request body Teamleader refuses (`filter.status.0`, `page.size`, …). */
export const invalidError = (field: string, problem: string): TeamleaderError =>
  apiError(400, `${field} ${problem}`, { field });

const LEAGUE: Record<string, { status: number; description: string }> = {
  invalid_client: { status: 401, description: 'Client authentication failed' },
  invalid_grant: {
    status: 400,
    description:
      'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  },
  unsupported_grant_type: {
    status: 400,
    description: 'The authorization grant type is not supported by the authorization server.',
  },
  unauthorized_client: { status: 400, description: 'The client is not authorized to use this grant type.' },
  invalid_scope: { status: 400, description: 'The requested scope is invalid, unknown, or malformed' },
};
const INVALID_REQUEST =
  'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.';

/** League's token-endpoint error for one of the kit's errors; the kit's own wording becomes the `hint`. */
export function tokenError(error: OAuthError, grantType: string | undefined) {
  const known = LEAGUE[error.error];
  const refresh = error.error === 'invalid_grant' && grantType === 'refresh_token';
  const description = refresh ? 'The refresh token is invalid.' : (known?.description ?? INVALID_REQUEST);
  return {
    status: known?.status ?? 400,
    body: {
      error: known ? error.error : 'invalid_request',
      error_description: description,
      hint: error.message,
      message: description,
    },
  };
}
