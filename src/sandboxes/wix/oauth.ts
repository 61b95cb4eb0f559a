/**
 * Wix OAuth for apps: client credentials per app instance. `POST /oauth2/token` takes a JSON body
 * `{ grant_type: "client_credentials", client_id: <app id>, client_secret: <app secret>, instance_id }` and
 * answers `{ access_token, token_type: "Bearer", expires_in: 14400 }`: a four-hour token for the site the
 * instance is installed on, no refresh token (ask again). Errors follow RFC 6749.
 * https://dev.wix.com/docs/rest/app-management/oauth-2/create-access-token
 */
import { randomBytes } from 'node:crypto';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import { type Grant, OAuthError } from '../kit/oauth/types.ts';
import { hashGuid } from '../kit/random.ts';

export interface WixAppOptions {
  /** The app id (OAuth client id); default derived from the seed. */
  appId?: string;
  appSecret?: string;
  /** The app's permissions, granted to every token (default: Manage Contributors). */
  permissions?: string[];
}

export const MANAGE_CONTRIBUTORS = 'SCOPE.DC-IDENTITY.MANAGE-CONTRIBUTORS';
export const ACCESS_TOKEN_SECONDS = 14_400;
/** The kit's authorize page stands in for installing the app on a site (not used by client credentials). */
export const OAUTH_PATHS = { authorize: '/installer/install', token: '/oauth2/token' };

/** The app's id and secret: the given ones, else derived from the seed. */
export function appCredentials(
  seed: number,
  options: WixAppOptions = {},
): { appId: string; appSecret: string } {
  return {
    appId: options.appId ?? hashGuid(seed, 5, 8501),
    appSecret: options.appSecret ?? hashGuid(seed, 6, 8502),
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Wix app tokens read `OauthNG.JWS.<header>.<payload>.<signature>`. */
function accessToken(grant: Grant): string {
  const payload = {
    data: JSON.stringify({ instance: { instanceId: grant.account, appDefId: grant.clientId } }),
    iat: Math.floor(Date.now() / 1000),
  };
  return `OauthNG.JWS.${b64({ kid: 'wix-sandbox', alg: 'RS256' })}.${b64(payload)}.${randomBytes(64).toString('base64url')}`;
}

/** `instances`: the app's installations (instance id → site id). */
export function wixOAuth(
  instances: ReadonlyMap<string, string>,
  seed: number,
  options: WixAppOptions = {},
): OAuthServer {
  const app = appCredentials(seed, options);
  return createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'Wix',
    clients: [
      {
        clientId: app.appId,
        clientSecret: app.appSecret,
        redirectUris: 'any',
        name: 'Switchboard',
        grantTypes: ['client_credentials'],
      },
    ],
    accounts: [...instances.keys()].map((id) => ({ id })),
    clientAuth: 'body',
    tokenBodyFormats: ['json'],
    accessTokenLifetime: ACCESS_TOKEN_SECONDS,
    defaultScopes: options.permissions ?? [MANAGE_CONTRIBUTORS],
    clientCredentialsAccount: (params) => {
      const instance = params.instance_id;
      if (!instance) throw new OAuthError('invalid_request', 'instance_id is required');
      if (!instances.has(instance))
        throw new OAuthError(
          'invalid_request',
          `app instance ${instance} was not found (is the app installed?)`,
        );
      return instance;
    },
    newAccessToken: accessToken,
    tokenResponse: (body) => ({
      access_token: body.access_token,
      token_type: 'Bearer',
      expires_in: body.expires_in,
    }),
  });
}
