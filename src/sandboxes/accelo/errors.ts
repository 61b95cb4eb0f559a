/**
 * Accelo's response envelope (https://api.accelo.com/docs/#response-and-request-structure): every answer is
 * `{ meta: { status, message, more_info }, response }`, with the statuses of the docs' "Status Codes"
 * (https://api.accelo.com/docs/#status-codes). `_suppress_message` drops `message` and `more_info`;
 * `_suppress_http_status` answers HTTP 200 and puts the real status in `meta.response_code`.
 */
import type { FastifyRequest } from 'fastify';

export type AcceloStatus =
  | 'ok'
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_permission'
  | 'too_many_requests'
  | 'server_error';

const MORE_INFO = 'https://affinitylive.jira.com/wiki/display/APIS/Status+Codes';

/** The docs' explanation of each status. */
export const STATUS_MESSAGES: Record<AcceloStatus, string> = {
  ok: 'Everything executed as expected.',
  invalid_request:
    'The request could not be interpreted. This can be caused by missing or invalid data. Please ensure that the resource you are requesting actually exists.',
  invalid_client:
    'Invalid client authentication, e.g. unknown client, no client authentication included, or unsupported authentication method.',
  invalid_permission: 'The user is authenticated but does not have permission to perform the action.',
  too_many_requests: 'Your deployment has exceeded the maximum number of allowed requests for this hour.',
  server_error: 'The request failed due to a server error and we were notified.',
};

export const HTTP_STATUS: Record<AcceloStatus, number> = {
  ok: 200,
  invalid_request: 400,
  invalid_client: 401,
  invalid_permission: 403,
  too_many_requests: 429,
  server_error: 500,
};

export interface Envelope {
  meta: { status: AcceloStatus; message?: string; more_info?: string; response_code?: number };
  response: unknown;
}

function flag(request: FastifyRequest, name: string): boolean {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return value === '1' || value === 'yes';
}

/** The envelope and HTTP status for a request, honouring the `_suppress_*` parameters. */
export function envelope(
  request: FastifyRequest,
  status: AcceloStatus,
  response: unknown,
  overrides: { message?: string; moreInfo?: string } = {},
): { status: number; body: Envelope } {
  const meta: Envelope['meta'] = { status };
  if (!flag(request, '_suppress_message')) {
    meta.message = overrides.message ?? STATUS_MESSAGES[status];
    meta.more_info = overrides.moreInfo ?? `${MORE_INFO}#${status}`;
  }
  if (flag(request, '_suppress_http_status')) {
    meta.response_code = HTTP_STATUS[status];
    return { status: 200, body: { meta, response } };
  }
  return { status: HTTP_STATUS[status], body: { meta, response } };
}

/** The 429 for a deployment over its hourly budget (the docs' sample meta). */
export function rateLimitEnvelope(request: FastifyRequest, deployment: string) {
  return envelope(request, 'too_many_requests', null, {
    message: `Rate limit exceeded for ${deployment}.api.accelo.com`,
    moreInfo: 'api.accelo.com/docs/#rate-limiting',
  });
}

/** The status an injected HTTP error stands for. */
export function statusFor(http: number): AcceloStatus {
  if (http === 401) return 'invalid_client';
  if (http === 403) return 'invalid_permission';
  if (http === 429) return 'too_many_requests';
  if (http >= 500) return 'server_error';
  return 'invalid_request';
}
