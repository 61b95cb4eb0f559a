/** Contract fixtures' OAuth helper: the environment's OAuth app pointed at an emulator's token endpoint. */
import type { TestServer } from '../support/server.ts';

export interface EmulatorOAuthApp {
  clientId: string;
  clientSecret: string;
  /** Absent for a grant without a consent page (client credentials). */
  authorizeUrl?: string;
  tokenUrl: string;
}

/** Sets the environment's OAuth app for `integration`, so refreshes go to the emulator. */
export async function useEmulatorOAuthApp(
  server: TestServer,
  integration: string,
  app: EmulatorOAuthApp,
): Promise<void> {
  const installed = await server.request('GET', '/environment-integration');
  const entry = installed.body.result.find(
    (r: { integration_id: string }) => r.integration_id === integration,
  );
  const patched = await server.request('PATCH', `/environment-integration/${entry.id}`, {
    oauth_app: {
      client_id: app.clientId,
      client_secret: app.clientSecret,
      authorize_url: app.authorizeUrl,
      token_url: app.tokenUrl,
    },
  });
  if (patched.status !== 200) throw new Error(patched.text);
}
