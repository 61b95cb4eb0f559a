/**
 * Attio's error body, the same for every status: `{ status_code, type, code, message }`
 * (https://docs.attio.com/rest-api/guides/rate-limiting shows the 429 one). The types and codes of the
 * other statuses and their wording are guesses (docs/integrations/attio.md).
 */
export interface AttioError {
  status_code: number;
  type: string;
  code: string;
  message: string;
}

const error = (status_code: number, type: string, code: string, message: string): AttioError => ({
  status_code,
  type,
  code,
  message,
});

export const unauthorized = () =>
  error(401, 'authentication_error', 'invalid_api_key', 'The access token is invalid or has been revoked.');

export const missingScope = (scope: string) =>
  error(
    403,
    'authorization_error',
    'missing_scope',
    `This access token is missing the required scope: ${scope}.`,
  );

export const notFound = (message: string) => error(404, 'invalid_request_error', 'not_found', message);

export const invalidRequest = (message: string) =>
  error(400, 'invalid_request_error', 'validation_type', message);

export const rateLimited = () =>
  error(429, 'rate_limit_error', 'rate_limit_exceeded', 'Rate limit exceeded, please try again later');

export const serverError = (status: number) =>
  error(status, 'api_error', 'internal_error', 'Something went wrong.');
