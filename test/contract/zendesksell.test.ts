/** The crm/users contract over Zendesk Sell: once linked by OAuth (imported tokens), once by a personal access token. */
import { type SellUser, startZendeskSellSandbox } from '../../src/sandboxes/zendesksell/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

async function start(auth: 'oauth2' | 'api_key', users: number, seed: number) {
  const sandbox = await startZendeskSellSandbox({ users, seed, rateLimit: null });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['read'] });
  const vendor: VendorUnderTest = {
    url: sandbox.url,
    auth,
    context:
      auth === 'oauth2'
        ? {
            oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
            api_origin: sandbox.url,
          }
        : { access_token: sandbox.token, api_origin: sandbox.url },
    records: () => sandbox.control.list(),
    idOf: (record) => String((record as SellUser).id),
    invalidateAccess() {
      if (auth === 'oauth2') sandbox.control.oauth.expireAccessTokens();
      else sandbox.control.revokePersonalToken();
    },
    refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
    addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/v2/users' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
    oauthApp: sandbox.oauth,
  };
  return vendor;
}

for (const auth of ['oauth2', 'api_key'] as const) {
  crmUsersContract({
    integration: 'zendesksell',
    label: `zendesksell (${auth})`,
    pageSize: 25,
    start: ({ users, seed }) => start(auth, users, seed),
  });
}
