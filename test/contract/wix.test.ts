/** The crm/users contract over Wix site contributors: once by app OAuth (client credentials), once by an API key. */
import { startWixSandbox, type WixContributor } from '../../src/sandboxes/wix/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

async function start(auth: 'oauth2' | 'api_key', users: number, seed: number): Promise<VendorUnderTest> {
  const sandbox = await startWixSandbox({ contributors: users, seed, rateLimit: null });
  return {
    url: sandbox.url,
    auth,
    context:
      auth === 'oauth2'
        ? {
            oauth: { token: { access_token: sandbox.control.issueToken().accessToken } },
            instance_id: sandbox.instanceId,
            api_origin: sandbox.url,
          }
        : { api_key: sandbox.apiKey, site_id: sandbox.siteId, api_origin: sandbox.url },
    records: () => sandbox.control.list(),
    idOf: (record) => (record as WixContributor).id,
    isExcluded: (record) => (record as WixContributor).isTeam,
    invalidateAccess() {
      if (auth === 'oauth2') sandbox.control.oauth.expireAccessTokens();
      else sandbox.control.revokeApiKey();
    },
    // No refresh tokens: Switchboard asks for a new token with the app's client credentials.
    refreshes: () => sandbox.control.oauth.stats().tokenCalls.client_credentials ?? 0,
    addFault: (rule) =>
      sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/roles-management' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
    oauthApp: {
      clientId: sandbox.app.appId,
      clientSecret: sandbox.app.appSecret,
      tokenUrl: sandbox.app.tokenUrl,
    },
  };
}

for (const auth of ['oauth2', 'api_key'] as const) {
  crmUsersContract({
    integration: 'wix',
    label: `wix (${auth})`,
    pageSize: 25,
    start: ({ users, seed }) => start(auth, users, seed),
  });
}
