/**
 * One token request over real HTTP against the emulator kit's authorization server: client authentication
 * as the integration declares it, per grant (Keap: the code exchange in the body, refreshes with Basic).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauth2 } from '../integrations/kit/auth.ts';
import { oauthBearer } from '../sandboxes/kit/auth.ts';
import { type Emulator, startEmulator } from '../sandboxes/kit/emulator.ts';
import { createOAuthServer } from '../sandboxes/kit/oauth/server.ts';
import { requestToken, TokenRequestRefused } from './token-endpoint.ts';

let emulator: Emulator;

beforeAll(async () => {
  const oauth = createOAuthServer({
    paths: { authorize: '/authorize', token: '/token' },
    clients: [{ clientId: 'app', clientSecret: 'app-secret', redirectUris: 'any' }],
    clientAuth: { authorization_code: 'body', refresh_token: 'basic' },
    refreshTokens: 'rotating',
  });
  emulator = await startEmulator({
    name: 'Token endpoint test',
    authenticators: [oauthBearer(oauth)],
    unauthorized: () => ({ body: { error: 'no' } }),
    oauth,
    routes: () => {},
  });
});
afterAll(() => emulator.close());

function refreshWith(kind: ReturnType<typeof oauth2>) {
  const { refreshToken } = emulator.control.oauth!.issueTokens();
  return requestToken({
    kind,
    app: {
      clientId: 'app',
      clientSecret: 'app-secret',
      tokenUrl: `${emulator.url}/token`,
      authorizeUrl: `${emulator.url}/authorize`,
      scopes: [],
    },
    context: {},
    grant: { grant_type: 'refresh_token', refresh_token: refreshToken! },
    label: 'Vendor',
  });
}

describe('requestToken client authentication', () => {
  it('refreshes with Basic when the integration says refreshes take Basic', async () => {
    const kind = oauth2({ tokenUrl: 'https://vendor.example/token', scopes: [], refreshClientAuth: 'basic' });
    expect(kind.clientAuth).toBe('body');
    const result = await refreshWith(kind);
    expect(result.token.access_token).toEqual(expect.any(String));
    expect(result.token.refresh_token).toEqual(expect.any(String));
  });

  it('uses clientAuth for refreshes by default, which this server refuses', async () => {
    const kind = oauth2({ tokenUrl: 'https://vendor.example/token', scopes: [] });
    expect(kind.refreshClientAuth).toBe('body');
    await expect(refreshWith(kind)).rejects.toBeInstanceOf(TokenRequestRefused);
  });
});
