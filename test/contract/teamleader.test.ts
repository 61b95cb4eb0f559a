/** The crm/users contract over Teamleader Focus, linked by OAuth (its only way to connect) with imported tokens. */
import { startTeamleaderSandbox, type TeamleaderUser } from '../../src/sandboxes/teamleader/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

crmUsersContract({
  integration: 'teamleader',
  pageSize: 25,
  async start({ users, seed }) {
    const sandbox = await startTeamleaderSandbox({ users, seed, rateLimit: null });
    const tokens = sandbox.control.issueTokens();
    return {
      url: sandbox.url,
      auth: 'oauth2',
      context: {
        oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
        api_origin: sandbox.url,
      },
      records: () => sandbox.control.list(),
      idOf: (record) => (record as TeamleaderUser).id,
      invalidateAccess: () => {
        sandbox.control.oauth.expireAccessTokens();
      },
      refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
      addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/users.' }),
      clearFaults: () => sandbox.control.clearFaults(),
      close: () => sandbox.close(),
      oauthApp: sandbox.oauth,
    } satisfies VendorUnderTest;
  },
});
