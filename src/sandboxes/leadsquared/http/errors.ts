/**
 * LeadSquared error bodies: `{"Status":"Error","ExceptionType":"MX…","ExceptionMessage":"…"}`.
 * Logical and validation errors come back as HTTP 500 (not 400); 400 is for malformed JSON or a
 * wrong content type.
 */

export class MXError extends Error {
  readonly status: number;
  readonly exceptionType: string;

  constructor(status: number, exceptionType: string, message: string) {
    super(message);
    this.status = status;
    this.exceptionType = exceptionType;
  }
}

export function mxBody(exceptionType: string, message: string): string {
  return JSON.stringify({ Status: 'Error', ExceptionType: exceptionType, ExceptionMessage: message });
}

export const INVALID_ACCESS_MESSAGE = 'Invalid Access Details provided.';

export function invalidInput(message: string): MXError {
  return new MXError(500, 'MXInvalidInputException', message);
}

export function mandatoryMissing(message: string): MXError {
  return new MXError(500, 'MXMandatoryAttributeMissingException', message);
}

export function duplicateEntry(message: string): MXError {
  return new MXError(500, 'MXDuplicateEntryException', message);
}

/** The key owner may not do this. No 403 is documented anywhere, so the sandbox uses 401. */
export function unauthorizedAccess(message: string): MXError {
  return new MXError(401, 'MXUnAuthorizedAccessException', message);
}

export function badRequest(message: string): MXError {
  return new MXError(400, 'MXInvalidRequestException', message);
}

export function rateLimitMessage(calls: number, windowSeconds: number): string {
  return `API calls exceeded the limit of ${calls} in ${windowSeconds} second(s)`;
}
