/**
 * Wix's standard error bodies: `{ message, details: { applicationError: { code, description, data } } }`
 * for business-logic refusals (UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED, …) and
 * `{ message, details: { validationError: { fieldViolations } } }` for bad input
 * (https://dev.wix.com/docs/api-reference/articles/work-with-wix-apis/troubleshooting/about-errors).
 * The messages and descriptions are guesses; the shape and codes are documented.
 */

export interface WixError {
  message: string;
  details: {
    applicationError?: { code: string; description: string; data: Record<string, unknown> };
    validationError?: {
      fieldViolations: Array<{ field: string; description: string; violatedRule: string }>;
    };
  };
}

export function applicationError(code: string, message: string, description = message): WixError {
  return { message, details: { applicationError: { code, description, data: {} } } };
}

export function validationError(field: string, description: string): WixError {
  return {
    message: `INVALID_ARGUMENT: ${field} ${description}`,
    details: { validationError: { fieldViolations: [{ field, description, violatedRule: 'OTHER' }] } },
  };
}

export const unauthenticated = (): WixError =>
  applicationError(
    'UNAUTHENTICATED',
    'Unauthorized',
    'The access token or API key is missing, invalid or expired',
  );
export const permissionDenied = (what: string): WixError =>
  applicationError('PERMISSION_DENIED', `Permission denied: ${what}`);
export const rateLimited = (): WixError =>
  applicationError(
    'RESOURCE_EXHAUSTED',
    'Too Many Requests',
    'Rate limit exceeded: 200 requests per minute per instance',
  );
export const notFound = (): WixError => applicationError('NOT_FOUND', 'Not Found');
