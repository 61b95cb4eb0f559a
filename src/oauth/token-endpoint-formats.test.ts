/**
 * Token requests as integrations declare them, against the emulator kit's OAuth server over real HTTP:
 * parameters filled from the account's context and JSON bodies (Wix's client-credentials call).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauth2 } from '../integrations/kit/auth.ts';
import { oauthBearer } from '../sandboxes/kit/auth.ts';
import { type Emulator, startEmulator } from '../sandboxes/kit/emulator.ts';
import { createOAuthServer } from '../sandboxes/kit/oauth/server.ts';
import { OAuthError, type TokenBodyFormat } from '../sandboxes/kit/oauth/types.ts';
import { requestToken, TokenRequestRefused } from './token-endpoint.ts';

const INSTANCES = ['inst-1', 'inst-2'];

function start(formats: TokenBodyFormat[]): Promise<Emulator> {
  const oauth = createOAuthServer({
    paths: { authorize: '/authorize', token: '/token' },
    clients: [{ clientId: 'app', clientSecret: 'secret', redirectUris: 'any' }],
    accounts: INSTANCES.map((id) => ({ id })),
    tokenBodyFormats: formats,
    clientCredentialsAccount: (params) => {
      if (!INSTANCES.includes(params.instance_id ?? ''))
        throw new OAuthError('invalid_request', 'unknown instance_id');
      return params.instance_id!;
    },
  });
  return startEmulator({
    name: 'Token requests',
    authenticators: [oauthBearer(oauth)],
    unauthorized: () => ({ body: {} }),
    oauth,
    routes: () => {},
  });
}

describe('requestToken', () => {
  let jsonOnly: Emulator;
  let formOnly: Emulator;
  beforeAll(async () => {
    [jsonOnly, formOnly] = await Promise.all([start(['json']), start(['form'])]);
  });
  afterAll(() => Promise.all([jsonOnly.close(), formOnly.close()]));

  const kind = (tokenFormat?: 'json' | 'form') =>
    oauth2({
      grant: 'client_credentials',
      tokenUrl: 'https://vendor.example/token',
      scopes: [],
      tokenFormat,
      tokenParams: { instance_id: '{instance_id}' },
    });
  const app = (emulator: Emulator) => ({
    clientId: 'app',
    clientSecret: 'secret',
    scopes: [],
    authorizeUrl: '',
    tokenUrl: `${emulator.url}/token`,
  });

  it('sends a JSON body with the parameter filled from the account, for that account', async () => {
    const result = await requestToken({
      kind: kind('json'),
      app: app(jsonOnly),
      context: { instance_id: 'inst-2' },
      grant: { grant_type: 'client_credentials' },
      label: 'Vendor',
    });
    expect(jsonOnly.control.oauth!.validateAccessToken(result.token.access_token)?.account).toBe('inst-2');
    expect(result.token.expires_at).toEqual(expect.any(String));
  });

  it('sends a form by default, and a refused request says why without the secret', async () => {
    const ok = await requestToken({
      kind: kind(),
      app: app(formOnly),
      context: { instance_id: 'inst-1' },
      grant: { grant_type: 'client_credentials' },
      label: 'Vendor',
    });
    expect(formOnly.control.oauth!.validateAccessToken(ok.token.access_token)?.account).toBe('inst-1');
    const refused = requestToken({
      kind: kind(),
      app: app(jsonOnly),
      context: { instance_id: 'inst-1' },
      grant: { grant_type: 'client_credentials' },
      label: 'Vendor',
    });
    await expect(refused).rejects.toBeInstanceOf(TokenRequestRefused);
    await expect(refused).rejects.toThrow(/invalid_request/);
    await expect(refused).rejects.not.toThrow(/secret/);
  });
});
