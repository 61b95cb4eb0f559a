/**
 * The crm/users contract over Attio: once linked by OAuth (imported token), once by a workspace API key.
 * Attio's OAuth tokens never expire and cannot be refreshed, so a revoked one leads to `needs_reauth`
 * exactly as a deleted API key does: both runs take the contract's key path for that check.
 */
import { startAttioSandbox, type WorkspaceMember } from '../../src/sandboxes/attio/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

async function start(link: 'oauth2' | 'api_key', users: number, seed: number): Promise<VendorUnderTest> {
  const sandbox = await startAttioSandbox({ users, seed, rateLimit: null });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['user_management:read'], refresh: false });
  return {
    url: sandbox.url,
    auth: 'api_key',
    context:
      link === 'oauth2'
        ? { oauth: { token: { access_token: tokens.accessToken } }, api_origin: sandbox.url }
        : { access_token: sandbox.apiKey, api_origin: sandbox.url },
    records: () => sandbox.control.list(),
    idOf: (record) => (record as WorkspaceMember).id.workspace_member_id,
    invalidateAccess() {
      if (link === 'oauth2') sandbox.control.oauth.revokeAll();
      else sandbox.control.revokeApiKey();
    },
    addFault: (rule) =>
      sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/v2/workspace_members' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
    oauthApp: sandbox.oauth,
  };
}

for (const link of ['oauth2', 'api_key'] as const) {
  crmUsersContract({
    integration: 'attio',
    label: `attio (${link})`,
    pageSize: 25,
    start: ({ users, seed }) => start(link, users, seed),
    // The environment's app is the one the token came from (a refused token is then reported as revoked).
  });
}
