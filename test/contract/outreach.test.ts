/** The crm/users contract over Outreach, linked by OAuth (imported tokens; Outreach has no API keys). */
import { type OutreachUser, startOutreachSandbox } from '../../src/sandboxes/outreach/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

crmUsersContract({
  integration: 'outreach',
  label: 'outreach (oauth2)',
  pageSize: 25,
  async start({ users, seed }) {
    const sandbox = await startOutreachSandbox({ users, seed, rateLimit: null });
    const tokens = sandbox.control.oauth.issueTokens({ scopes: ['users.read'] });
    const vendor: VendorUnderTest = {
      url: sandbox.url,
      auth: 'oauth2',
      context: {
        oauth: {
          token: {
            access_token: tokens.accessToken,
            refresh_token: tokens.refreshToken,
            expires_at: new Date(tokens.accessExpiresAt!).toISOString(),
          },
        },
        api_origin: sandbox.url,
      },
      records: () => sandbox.control.list(),
      idOf: (record) => String((record as OutreachUser).id),
      invalidateAccess: () => void sandbox.control.oauth.expireAccessTokens(),
      refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
      addFault: (rule) =>
        sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/api/v2/users' }),
      clearFaults: () => sandbox.control.clearFaults(),
      close: () => sandbox.close(),
      oauthApp: sandbox.oauth,
    };
    return vendor;
  },
});
