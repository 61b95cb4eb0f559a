/**
 * Pipedrive's v1 error envelope: `{ success: false, error, errorCode, error_info, data: null,
 * additional_data: null }` (https://pipedrive.readme.io/docs/core-api-concepts-http-status-codes). The
 * 401 wording is what the live API answers a wrong token with; the rest follow the same envelope, their
 * exact messages are guesses (docs/integrations/pipedrive.md).
 */
const INFO = 'Please check developers.pipedrive.com';

export interface PipedriveError {
  success: false;
  error: string;
  errorCode: number;
  error_info: string;
  data: null;
  additional_data: null;
}

export function pipedriveError(status: number, error: string): PipedriveError {
  return { success: false, error, errorCode: status, error_info: INFO, data: null, additional_data: null };
}

/** A missing or unknown API token. */
export const unauthorizedAccess = () => pipedriveError(401, 'unauthorized access');

/** An OAuth access token Pipedrive does not know, or one that expired. */
export const invalidAccessToken = (expired: boolean) =>
  pipedriveError(
    401,
    expired ? 'Invalid token: access token has expired' : 'Invalid token: access token is invalid',
  );

/** An OAuth token whose app lacks the scope the endpoint needs. */
export const scopeMismatch = () => pipedriveError(403, 'Scope and URL mismatch');

export const notFound = (what: string) => pipedriveError(404, what);

export const badRequest = (message: string) => pipedriveError(400, message);

export function rateLimited(daily: boolean): PipedriveError {
  return pipedriveError(
    429,
    daily ? 'Daily token budget exceeded, resets at midnight' : 'Request over limit, slow down',
  );
}
