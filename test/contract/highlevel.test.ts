/**
 * The crm/users contract over HighLevel: once linked by OAuth (imported tokens of a location install),
 * once by a Private Integration Token; both for the docs' example location.
 */
import {
  type HighLevelSandbox,
  type HighLevelUser,
  MAIN_LOCATION,
  startHighLevelSandbox,
} from '../../src/sandboxes/highlevel/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

type HighLevelUnderTest = VendorUnderTest & { sandbox: HighLevelSandbox };

async function start(auth: 'oauth2' | 'api_key', users: number, seed: number): Promise<HighLevelUnderTest> {
  // Users spread over two locations: seed enough people for the main one to fill several pages.
  const sandbox = await startHighLevelSandbox({ users: users * 2, seed, rateLimit: null });
  const tokens = sandbox.control.oauth.issueTokens({ account: MAIN_LOCATION, scopes: ['users.readonly'] });
  return {
    sandbox,
    url: sandbox.url,
    auth,
    context:
      auth === 'oauth2'
        ? {
            oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
            location_id: MAIN_LOCATION,
            api_origin: sandbox.url,
          }
        : { access_token: sandbox.token, location_id: MAIN_LOCATION, api_origin: sandbox.url },
    records: () => sandbox.control.list(MAIN_LOCATION),
    idOf: (record) => (record as HighLevelUser).id,
    invalidateAccess() {
      if (auth === 'oauth2') sandbox.control.oauth.expireAccessTokens();
      else sandbox.control.revokeToken();
    },
    refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
    addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/users' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
    oauthApp: sandbox.oauth,
  };
}

for (const auth of ['oauth2', 'api_key'] as const) {
  crmUsersContract({
    integration: 'highlevel',
    label: `highlevel (${auth})`,
    pageSize: 25,
    start: ({ users, seed }) => start(auth, users, seed),
  });
}
