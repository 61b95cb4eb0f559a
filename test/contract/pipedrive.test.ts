/** The crm/users contract over Pipedrive: once linked by OAuth (imported tokens), once by an API token. */
import { type PipedriveUser, startPipedriveSandbox } from '../../src/sandboxes/pipedrive/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

async function start(auth: 'oauth2' | 'api_key', users: number, seed: number) {
  const sandbox = await startPipedriveSandbox({ users, seed, rateLimit: null });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['base', 'users:read'] });
  return {
    url: sandbox.url,
    auth,
    context:
      auth === 'oauth2'
        ? {
            oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
            api_origin: sandbox.url,
          }
        : { api_token: sandbox.token, api_origin: sandbox.url },
    records: () => sandbox.control.list(),
    idOf: (record: unknown) => String((record as PipedriveUser).id),
    invalidateAccess() {
      if (auth === 'oauth2') sandbox.control.oauth.expireAccessTokens();
      else sandbox.control.revokeApiToken();
    },
    refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
    addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/api/v1/users' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
    oauthApp: sandbox.oauth,
  } satisfies VendorUnderTest;
}

for (const auth of ['oauth2', 'api_key'] as const) {
  crmUsersContract({
    integration: 'pipedrive',
    label: `pipedrive (${auth})`,
    pageSize: 25,
    start: ({ users, seed }) => start(auth, users, seed),
  });
}
