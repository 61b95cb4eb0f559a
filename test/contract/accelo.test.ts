/** The crm/users contract over Accelo: linked by OAuth (imported tokens) on the sandbox's deployment. */
import { type AcceloSandbox, type StaffView, startAcceloSandbox } from '../../src/sandboxes/accelo/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

type AcceloUnderTest = VendorUnderTest & { sandbox: AcceloSandbox };

crmUsersContract({
  integration: 'accelo',
  label: 'accelo (oauth2)',
  pageSize: 25,
  async start({ users, seed }) {
    // The hourly limit stays on: a walk is far below it, and an injected 429 carries its reset.
    const sandbox = await startAcceloSandbox({ staff: users, seed });
    const tokens = sandbox.control.oauth.issueTokens({ scopes: ['read(staff)'] });
    return {
      sandbox,
      url: sandbox.url,
      auth: 'oauth2',
      context: {
        deployment: sandbox.deployment,
        oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
        api_origin: sandbox.url,
      },
      records: () => sandbox.control.list(),
      idOf: (record) => (record as StaffView).id,
      invalidateAccess: () => {
        sandbox.control.oauth.expireAccessTokens();
      },
      refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
      addFault: (rule) =>
        sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/api/v0/staff' }),
      clearFaults: () => sandbox.control.clearFaults(),
      close: () => sandbox.close(),
      oauthApp: sandbox.oauth,
    } satisfies AcceloUnderTest;
  },
});
