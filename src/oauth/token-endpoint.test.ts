/** The token request over real HTTP, against the emulator kit's authorization server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauth2 } from '../integrations/kit/auth.ts';
import { type Emulator, startEmulator } from '../sandboxes/kit/emulator.ts';
import { createOAuthServer } from '../sandboxes/kit/oauth/server.ts';
import { GrantRevoked, requestToken } from './token-endpoint.ts';

const CLIENT = { clientId: 'client-a', clientSecret: 'secret-a' };
const ORG = 'https://contoso.crm.dynamics.com';

let emulator: Emulator;
let oauth: ReturnType<typeof createOAuthServer>;

beforeAll(async () => {
  oauth = createOAuthServer({
    paths: { authorize: '/authorize', token: '/token' },
    clients: [{ ...CLIENT, redirectUris: 'any' }],
  });
  emulator = await startEmulator({
    name: 'Token request test',
    authenticators: [],
    unauthorized: () => ({ body: {} }),
    oauth,
    routes: () => {},
  });
});
afterAll(() => emulator.close());

const app = () => ({ ...CLIENT, scopes: [], authorizeUrl: '', tokenUrl: `${emulator.url}/token` });

describe('requestToken', () => {
  it('fills {field} placeholders in refresh parameters from the account context', async () => {
    const issued = oauth.control.issueTokens({ scopes: [`${ORG}/.default`, 'offline_access', 'openid'] });
    const kind = oauth2({
      tokenUrl: `${emulator.url}/token`,
      scopes: [],
      refreshParams: { scope: '{org_url}/.default offline_access' },
    });
    const result = await requestToken({
      kind,
      app: app(),
      context: { org_url: ORG },
      grant: { grant_type: 'refresh_token', refresh_token: issued.refreshToken! },
      label: 'Test',
    });
    // The server narrows the grant to exactly the scopes the request named.
    expect(result.token.scope).toBe(`${ORG}/.default offline_access`);
  });

  it('sends the filled value, so a scope for another organisation is refused', async () => {
    const issued = oauth.control.issueTokens({ scopes: [`${ORG}/.default`, 'offline_access'] });
    const kind = oauth2({
      tokenUrl: `${emulator.url}/token`,
      scopes: [],
      refreshParams: { scope: '{org_url}/.default' },
    });
    await expect(
      requestToken({
        kind,
        app: app(),
        context: { org_url: 'https://fabrikam.crm.dynamics.com' },
        grant: { grant_type: 'refresh_token', refresh_token: issued.refreshToken! },
        label: 'Test',
      }),
    ).rejects.toThrow(/invalid_scope/);
  });

  it('still classifies a dead refresh token as a revoked grant', async () => {
    const kind = oauth2({ tokenUrl: `${emulator.url}/token`, scopes: [] });
    await expect(
      requestToken({
        kind,
        app: app(),
        context: {},
        grant: { grant_type: 'refresh_token', refresh_token: 'never-issued' },
        label: 'Test',
      }),
    ).rejects.toBeInstanceOf(GrantRevoked);
  });
});
