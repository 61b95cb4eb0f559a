/** The crm/users contract over Dynamics 365: an environment linked by Entra ID OAuth (imported tokens). */
import { COLUMNS } from '../../src/integrations/dynamics365/integration.ts';
import { type DynamicsSandbox, startDynamicsSandbox } from '../../src/sandboxes/dynamics365/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

type Vendor = VendorUnderTest & { sandbox: DynamicsSandbox };
const ORG = 'https://contoso.crm.dynamics.com';

async function start(users: number, seed: number): Promise<Vendor> {
  const sandbox = await startDynamicsSandbox({ users, seed, orgUrl: ORG, requestsPer5Minutes: null });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: [`${ORG}/.default`, 'offline_access'] });
  return {
    sandbox,
    url: sandbox.url,
    auth: 'oauth2',
    context: {
      oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
      org_url: ORG,
      api_origin: sandbox.url,
    },
    records: () => sandbox.control.list(COLUMNS),
    idOf: (record) => String((record as { systemuserid: string }).systemuserid),
    isExcluded: (record) => {
      const row = record as { applicationid: string | null; accessmode: number };
      return row.applicationid !== null || ![0, 1, 2].includes(row.accessmode);
    },
    invalidateAccess: () => {
      sandbox.control.oauth.expireAccessTokens();
    },
    refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
    addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/api/data' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
    oauthApp: sandbox.oauth,
  };
}

crmUsersContract({
  integration: 'dynamics365',
  label: 'dynamics365 (oauth2)',
  pageSize: 25,
  start: ({ users, seed }) => start(users, seed),
});
