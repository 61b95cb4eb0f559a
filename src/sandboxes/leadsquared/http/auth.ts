/**
 * LeadSquared auth: an access key and secret key, in the query (`accessKey`, `secretKey`) or in
 * headers (`x-LSQ-AccessKey`, `x-LSQ-SecretKey`; header names are case-insensitive). Unknown keys,
 * or keys whose owner has been deactivated, get 401 `MXInvalidAccessDetailsException`. In
 * wrong-region mode, every call except Authenticate gets a 401 naming the right host.
 */
import type { FastifyRequest } from 'fastify';
import type { Account, SandboxState } from '../state.ts';
import { INVALID_ACCESS_MESSAGE } from './errors.ts';
import { queryParam } from './respond.ts';

export type AuthResult = { account: Account } | { error: string };

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function readKeys(request: FastifyRequest): { accessKey?: string; secretKey?: string } {
  return {
    accessKey: header(request, 'x-lsq-accesskey') ?? queryParam(request, 'accessKey'),
    secretKey: header(request, 'x-lsq-secretkey') ?? queryParam(request, 'secretKey'),
  };
}

export function wrongRegionMessage(apiHost: string): string {
  return `${INVALID_ACCESS_MESSAGE} This account belongs to another region. Please use the API host ${apiHost}`;
}

export function authenticate(
  state: SandboxState,
  request: FastifyRequest,
  isAuthenticateCall: boolean,
): AuthResult {
  const { accessKey, secretKey } = readKeys(request);
  const account = accessKey ? state.accounts.get(accessKey) : undefined;
  if (!account || account.secretKey !== secretKey || !account.tenant.isActive(account.owner)) {
    return { error: INVALID_ACCESS_MESSAGE };
  }
  if (state.settings.wrongRegion && !isAuthenticateCall) {
    const apiHost = state.effectiveApiHost();
    if ((request.headers.host ?? '').toLowerCase() !== apiHost.toLowerCase())
      return { error: wrongRegionMessage(apiHost) };
  }
  return { account };
}
