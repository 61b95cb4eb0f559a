/** The crm/users contract over Keap: once linked by OAuth (imported tokens), once by a Personal Access Token. */
import { type KeapSandbox, type KeapUser, startKeapSandbox } from '../../src/sandboxes/keap/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

type KeapUnderTest = VendorUnderTest & { sandbox: KeapSandbox };

async function start(auth: 'oauth2' | 'api_key', users: number, seed: number): Promise<KeapUnderTest> {
  const sandbox = await startKeapSandbox({ users, seed, rateLimit: null });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['full'] });
  return {
    sandbox,
    url: sandbox.url,
    auth,
    context:
      auth === 'oauth2'
        ? {
            oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
            api_origin: sandbox.url,
          }
        : { api_key: sandbox.apiKey, api_origin: sandbox.url },
    records: () => sandbox.control.list(),
    idOf: (record) => (record as KeapUser).id,
    isExcluded: (record) => (record as KeapUser).status === 'NOT_A_USER',
    invalidateAccess() {
      if (auth === 'oauth2') sandbox.control.oauth.expireAccessTokens();
      else sandbox.control.revokeApiKey();
    },
    refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
    addFault: (rule) =>
      sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/crm/rest/v2/users' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
    oauthApp: sandbox.oauth,
  };
}

for (const auth of ['oauth2', 'api_key'] as const) {
  crmUsersContract({
    integration: 'keap',
    label: `keap (${auth})`,
    pageSize: 25,
    start: ({ users, seed }) => start(auth, users, seed),
  });
}
