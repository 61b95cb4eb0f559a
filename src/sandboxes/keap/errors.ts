/**
 * Keap's two error shapes. The API gateway (Apigee) answers whatever it refuses itself — credentials,
 * throttles — with its `fault` envelope; the application answers with the documented `Error` schema
 * (`code`, `message`, `status`, `details`) of https://developer.keap.com/docs/restv2/.
 */

export interface ApigeeFault {
  fault: { faultstring: string; detail: { errorcode: string } };
}

export function fault(faultstring: string, errorcode: string): ApigeeFault {
  return { fault: { faultstring, detail: { errorcode } } };
}

/** No credential reached the gateway (no header, or not `Bearer`). */
export const MISSING_CREDENTIALS = fault('Invalid access token', 'oauth.v2.InvalidAccessToken');
/** A bearer token the gateway does not know (wrong or revoked). */
export const INVALID_TOKEN = fault('Invalid Access Token', 'keymanagement.service.invalid_access_token');
/** A bearer token that has expired. */
export const EXPIRED_TOKEN = fault('Access Token expired', 'keymanagement.service.access_token_expired');
/** An `X-Keap-API-Key` the gateway does not know. */
export const INVALID_API_KEY = fault('Invalid ApiKey', 'oauth.v2.InvalidApiKey');

/** Apigee's spike-arrest and quota refusals (HTTP 429). */
export function spikeArrest(perSecond: number): ApigeeFault {
  return fault(
    `Spike arrest violation. Allowed rate : MessageRate{messagesPerPeriod=${perSecond}, periodInMicroseconds=1000000, maxBurstMessageCount=1.0}`,
    'policies.ratelimit.SpikeArrestViolation',
  );
}

export function quotaViolation(identifier: string): ApigeeFault {
  return fault(
    `Rate limit quota violation. Quota limit  exceeded. Identifier : ${identifier}`,
    'policies.ratelimit.QuotaViolation',
  );
}

export interface KeapError {
  code: number;
  message: string;
  status: string;
  details: unknown[];
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  500: 'INTERNAL',
};

export function keapError(code: number, message: string): KeapError {
  return { code, message, status: STATUS_NAMES[code] ?? 'UNKNOWN', details: [] };
}

/** A bad parameter; the routes' error handler turns it into Keap's 400. */
export class InvalidArgument extends Error {}
