/** The crm/users contract over Zoho CRM: an organisation linked by OAuth (imported tokens, `api_domain` from the token). */
import { startZohoSandbox, type ZohoSandbox, type ZohoUser } from '../../src/sandboxes/zohocrm/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

type Vendor = VendorUnderTest & { sandbox: ZohoSandbox };

async function start(users: number, seed: number): Promise<Vendor> {
  const sandbox = await startZohoSandbox({ users, seed, timeZone: 'America/New_York', dailyCredits: null });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['ZohoCRM.users.READ'] });
  return {
    sandbox,
    url: sandbox.url,
    auth: 'oauth2',
    context: {
      oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
      accounts_server: 'https://accounts.zoho.com',
      api_domain: sandbox.url,
    },
    // Deleted users are listed only with type=DeletedUsers: they are not CRM users any more.
    records: () => sandbox.control.list().filter((u) => u.status !== 'deleted'),
    idOf: (record) => (record as ZohoUser).id,
    invalidateAccess: () => {
      sandbox.control.oauth.expireAccessTokens();
    },
    refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
    addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/crm/' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
    oauthApp: sandbox.oauth,
  };
}

crmUsersContract({
  integration: 'zohocrm',
  label: 'zohocrm (oauth2)',
  pageSize: 25,
  start: ({ users, seed }) => start(users, seed),
});
