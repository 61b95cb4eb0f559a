/** The crm/users contract over Keap: once linked by OAuth (imported tokens), once by a Personal Access Token. */
import { type KeapSandbox, type KeapUser, startKeapSandbox } from '../../src/sandboxes/keap/index.ts';
import type { TestServer } from '../support/server.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

type KeapUnderTest = VendorUnderTest & { sandbox: KeapSandbox };

async function start(auth: 'oauth2' | 'api_key', users: number, seed: number): Promise<KeapUnderTest> {
  const sandbox = await startKeapSandbox({ users, seed, rateLimit: null });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['full'] });
  return {
    sandbox,
    url: sandbox.url,
    auth,
    context:
      auth === 'oauth2'
        ? {
            oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
            api_origin: sandbox.url,
          }
        : { api_key: sandbox.apiKey, api_origin: sandbox.url },
    records: () => sandbox.control.list(),
    idOf: (record) => (record as KeapUser).id,
    isExcluded: (record) => (record as KeapUser).status === 'NOT_A_USER',
    invalidateAccess() {
      if (auth === 'oauth2') sandbox.control.oauth.expireAccessTokens();
      else sandbox.control.revokeApiKey();
    },
    refreshes: () => sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0,
    addFault: (rule) =>
      sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/crm/rest/v2/users' }),
    clearFaults: () => sandbox.control.clearFaults(),
    close: () => sandbox.close(),
  };
}

/** Points the environment's Keap OAuth app at the emulator, so that refreshes reach it. */
async function useEmulatorOAuthApp(server: TestServer, sandbox: KeapSandbox): Promise<void> {
  const installed = await server.request('GET', '/environment-integration');
  const keap = installed.body.result.find((r: { integration_id: string }) => r.integration_id === 'keap');
  const patched = await server.request('PATCH', `/environment-integration/${keap.id}`, {
    oauth_app: {
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      authorize_url: sandbox.oauth.authorizeUrl,
      token_url: sandbox.oauth.tokenUrl,
    },
  });
  if (patched.status !== 200) throw new Error(patched.text);
}

for (const auth of ['oauth2', 'api_key'] as const) {
  crmUsersContract({
    integration: 'keap',
    label: `keap (${auth})`,
    pageSize: 25,
    start: ({ users, seed }) => start(auth, users, seed),
    async afterLink(server, vendor) {
      if (auth === 'oauth2') await useEmulatorOAuthApp(server, (vendor as KeapUnderTest).sandbox);
    },
  });
}
