/**
 * The crm/users contract over monday.com: once linked by OAuth (an imported token), once by a personal API
 * token. monday's OAuth tokens do not expire and come without a refresh token, so a token monday refuses
 * means reconnecting, as with a key: both runs expect `needs_reauth` (the contract's `api_key` branch).
 */
import { USER_FIELDS } from '../../src/integrations/mondaycrm/integration.ts';
import { type MondayUser, startMondaySandbox } from '../../src/sandboxes/mondaycrm/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

for (const auth of ['oauth2', 'api_key'] as const) {
  crmUsersContract({
    integration: 'mondaycrm',
    label: `mondaycrm (${auth})`,
    pageSize: 25,
    async start({ users, seed }) {
      const sandbox = await startMondaySandbox({ users, seed, rateLimit: null });
      const { accessToken } = sandbox.control.oauth.issueTokens({
        scopes: ['users:read', 'me:read'],
        accessExpiresIn: null,
        refresh: false,
      });
      const vendor: VendorUnderTest = {
        url: sandbox.url,
        // Not refreshable: a refused token must end in needs_reauth.
        auth: 'api_key',
        context:
          auth === 'oauth2'
            ? { oauth: { token: { access_token: accessToken } }, api_origin: sandbox.url }
            : { api_token: sandbox.token, api_origin: sandbox.url },
        records: () => sandbox.control.list(USER_FIELDS),
        idOf: (record) => String((record as MondayUser).id),
        invalidateAccess() {
          if (auth === 'oauth2') sandbox.control.oauth.revokeAll();
          else sandbox.control.revokePersonalToken();
        },
        addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/v2' }),
        clearFaults: () => sandbox.control.clearFaults(),
        close: () => sandbox.close(),
        oauthApp: sandbox.oauth,
      };
      return vendor;
    },
  });
}
