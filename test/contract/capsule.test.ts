/** The crm/users contract over Capsule: once linked by OAuth (imported tokens), once by a personal access token. */
import {
  type CapsuleSandbox,
  type CapsuleUser,
  startCapsuleSandbox,
} from '../../src/sandboxes/capsule/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

type CapsuleUnderTest = VendorUnderTest & { sandbox: CapsuleSandbox };

async function start(auth: 'oauth2' | 'api_key', users: number, seed: number): Promise<CapsuleUnderTest> {
  const sandbox = await startCapsuleSandbox({ users, seed, rateLimit: null });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['read'] });
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
        : { access_token: sandbox.token, api_origin: sandbox.url },
    records: () => sandbox.control.list(),
    idOf: (record) => String((record as CapsuleUser).id),
    invalidateAccess() {
      if (auth === 'oauth2') sandbox.control.oauth.expireAccessTokens();
      else sandbox.control.revokeToken();
    },
    refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
    addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/api/v2/users' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
    oauthApp: sandbox.oauth,
  };
}

for (const auth of ['oauth2', 'api_key'] as const) {
  crmUsersContract({
    integration: 'capsule',
    label: `capsule (${auth})`,
    pageSize: 25,
    start: ({ users, seed }) => start(auth, users, seed),
  });
}
