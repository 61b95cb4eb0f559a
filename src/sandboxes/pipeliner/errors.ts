/**
 * Pipeliner's two error bodies. Routing and HTTP-level failures (unknown URL, refused credentials, too many
 * requests) come in the framework's plain shape `{ status, message, errorcode, traceback }`, as recorded for
 * a 404; entity and validation errors in the API's own shape `{ code, name, message, http_status, success }`,
 * as recorded for an unknown entity type. Which failures use which shape, and the codes and names other
 * than `ERROR_UNKNOWN_TYPE`, are guesses (docs/integrations/pipeliner.md).
 */

export interface PlainError {
  status: number;
  message: string;
  errorcode: null;
  traceback: null;
}

export interface EntityError {
  code: number;
  name: string;
  message: string;
  http_status: number;
  success: false;
}

export function plainError(status: number, message: string): PlainError {
  return { status, message, errorcode: null, traceback: null };
}

export function entityError(status: number, code: number, name: string, message: string): EntityError {
  return { code, name, message, http_status: status, success: false };
}

export const unauthorizedError = () =>
  plainError(
    401,
    'The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser does not understand how to supply the credentials required.',
  );

export const notFoundError = () =>
  plainError(
    404,
    'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  );

export const tooManyRequestsError = () =>
  plainError(429, 'Too many requests: the API rate limit of this space was exceeded. Try again later.');

/** A bad query parameter (`first=101`, an unknown filter field, an unreadable cursor). */
export class InvalidParameter extends Error {
  readonly status = 400;
  body(): EntityError {
    return entityError(400, 2004, 'ERROR_INVALID_PARAMETER', this.message);
  }
}

export const entityNotFound = (id: string) =>
  entityError(404, 2001, 'ERROR_ENTITY_NOT_FOUND', `Entity Client with id ${id} was not found.`);
