/** The crm/users contract over Salesforce: an org linked by OAuth (imported tokens, `instance_url` from the token). */
import { API_VERSION, USER_FIELDS } from '../../src/integrations/salesforce/integration.ts';
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/sandboxes/salesforce/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

type Vendor = VendorUnderTest & { sandbox: SalesforceSandbox };

async function start(users: number, seed: number): Promise<Vendor> {
  const sandbox = await startSalesforceSandbox({ users, seed, dailyApiRequests: null });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['api', 'refresh_token'] });
  return {
    sandbox,
    url: sandbox.url,
    auth: 'oauth2',
    context: {
      oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
      instance_url: sandbox.url,
      login_host: 'login.salesforce.com',
    },
    records: () => sandbox.control.list(USER_FIELDS, API_VERSION),
    idOf: (record) => String((record as { Id: string }).Id),
    isExcluded: (record) => (record as { UserType: string }).UserType !== 'Standard',
    invalidateAccess: () => {
      sandbox.control.oauth.expireAccessTokens();
    },
    refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
    addFault: (rule) =>
      sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/services/data' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
    oauthApp: sandbox.oauth,
  };
}

crmUsersContract({
  integration: 'salesforce',
  label: 'salesforce (oauth2)',
  // Salesforce's smallest query batch is 200 records (and a batch cannot be read twice to split it).
  pageSize: 200,
  users: 450,
  start: ({ users, seed }) => start(users, seed),
});
