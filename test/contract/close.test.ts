/** The crm/users contract over Close: once linked by OAuth (imported tokens), once by an API key. */
import { type CloseUser, startCloseSandbox } from '../../src/sandboxes/close/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

async function start(auth: 'oauth2' | 'api_key', users: number, seed: number) {
  const sandbox = await startCloseSandbox({ users, seed, rateLimit: null });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['all.full_access', 'offline_access'] });
  return {
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
    idOf: (record: unknown) => (record as CloseUser).id,
    invalidateAccess() {
      if (auth === 'oauth2') sandbox.control.oauth.expireAccessTokens();
      else sandbox.control.revokeApiKey();
    },
    refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
    addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/api/v1/user/' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
    oauthApp: sandbox.oauth,
  } satisfies VendorUnderTest;
}

for (const auth of ['oauth2', 'api_key'] as const) {
  crmUsersContract({
    integration: 'close',
    label: `close (${auth})`,
    pageSize: 25,
    start: ({ users, seed }) => start(auth, users, seed),
  });
}
