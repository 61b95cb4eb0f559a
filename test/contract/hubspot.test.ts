/** The crm/users contract over HubSpot: once linked by OAuth (imported tokens), once by a private app token. */
import { type HubSpotOwner, startHubSpotSandbox } from '../../src/sandboxes/hubspot/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

async function start(auth: 'oauth2' | 'api_key', users: number, seed: number): Promise<VendorUnderTest> {
  const sandbox = await startHubSpotSandbox({ owners: users, seed, rateLimit: null });
  sandbox.control.add({ firstName: 'Support', lastName: 'Queue', type: 'QUEUE' });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['crm.objects.owners.read'] });
  const owners = () => [
    ...sandbox.control.list({ archived: false }),
    ...sandbox.control.list({ archived: true }),
  ];
  return {
    url: sandbox.url,
    auth,
    context:
      auth === 'oauth2'
        ? {
            oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
            api_origin: sandbox.url,
          }
        : { access_token: sandbox.token, api_origin: sandbox.url },
    records: owners,
    idOf: (record) => String((record as HubSpotOwner).id),
    isExcluded: (record) => (record as HubSpotOwner).type === 'QUEUE',
    invalidateAccess() {
      if (auth === 'oauth2') sandbox.control.oauth.expireAccessTokens();
      else sandbox.control.revokePrivateToken();
    },
    refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
    addFault: (rule) =>
      sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/crm/v3/owners' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
    oauthApp: sandbox.oauth,
  } satisfies VendorUnderTest;
}

for (const auth of ['oauth2', 'api_key'] as const) {
  crmUsersContract({
    integration: 'hubspot',
    label: `hubspot (${auth})`,
    pageSize: 25,
    start: ({ users, seed }) => start(auth, users, seed),
  });
}
