/** Points an environment's OAuth app at a sandbox's client and token endpoint, so refreshes reach the sandbox. */
import type { TestServer } from '../support/server.ts';

export interface SandboxOAuthApp {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
}

export async function useSandboxOAuthApp(server: TestServer, integration: string, app: SandboxOAuthApp) {
  const installed = await server.request('GET', '/environment-integration');
  const row = installed.body.result.find((r: { integration_id: string }) => r.integration_id === integration);
  const patched = await server.request('PATCH', `/environment-integration/${row.id}`, {
    oauth_app: {
      client_id: app.clientId,
      client_secret: app.clientSecret,
      authorize_url: app.authorizeUrl,
      token_url: app.tokenUrl,
    },
  });
  if (patched.status !== 200) throw new Error(patched.text);
}
