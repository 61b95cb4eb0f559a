/**
 * Salesforce's REST error bodies: a JSON array of `{ message, errorCode }`
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm), and the OAuth
 * endpoints' `{ error, error_description }`.
 */
export interface SalesforceError {
  message: string;
  errorCode: string;
  fields?: string[];
}

export function apiError(errorCode: string, message: string): SalesforceError[] {
  return [{ message, errorCode }];
}

/** 401 for a missing, unknown, expired or revoked session (access token). */
export const invalidSession = () => apiError('INVALID_SESSION_ID', 'Session expired or invalid');

/** 401 for a token without the `api` (or `full`) scope: it is not a REST API session. */
export const notRestSession = () =>
  apiError('INVALID_SESSION_ID', 'This session is not valid for use with the REST API');

/** 403 once the org's rolling 24-hour API request allocation is spent. */
export const requestLimitExceeded = () => apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');

export const notFound = () => apiError('NOT_FOUND', 'The requested resource does not exist');

export const invalidLocator = () => apiError('INVALID_QUERY_LOCATOR', 'invalid query locator');
