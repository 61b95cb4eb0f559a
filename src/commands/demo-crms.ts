/**
 * The demo's CRM sandboxes (`switchboard demo --crm pipedrive,accelo`): each emulator started with its
 * command line's defaults, its OAuth app (the emulator's consent and token endpoints) installed in the
 * default environment, and a link URL printed that connects it through the hosted page, as a customer
 * would: "Connect with <vendor>" and the emulator's consent page, or the API key the banner shows.
 */
import type { Banner } from '../sandboxes/kit/cli.ts';
import { SANDBOX_NAMES, sandboxCli } from './sandbox.ts';

interface OAuthApp {
  clientId: string;
  clientSecret: string;
  authorizeUrl?: string;
  tokenUrl: string;
}

export interface DemoCrm {
  slug: string;
  name: string;
  url: string;
  banner: Banner;
  oauth?: OAuthApp;
  close(): Promise<void>;
}

/** Starts the named emulators (on their default ports, or any free one when taken). */
export async function startDemoCrms(slugs: string[]): Promise<DemoCrm[]> {
  const started: DemoCrm[] = [];
  try {
    for (const slug of slugs) {
      const cli = await sandboxCli(slug);
      if (!cli) {
        const offered = SANDBOX_NAMES.filter((s) => s !== 'leadsquared').join(', ');
        throw new Error(`--crm ${slug}: not a CRM sandbox; one of ${offered}`);
      }
      const { handle, banner } = await cli
        .start(['--port', String(cli.spec.defaults.port)])
        .catch(() => cli.start(['--port', '0']));
      started.push({
        slug,
        name: cli.spec.name,
        url: handle.url,
        banner,
        oauth: oauthAppOf(handle),
        close: () => handle.close(),
      });
    }
  } catch (error) {
    await Promise.all(started.map((crm) => crm.close()));
    throw error;
  }
  return started;
}

/** The emulator's OAuth app, when it plays one (Wix names its client `app`). */
function oauthAppOf(handle: Record<string, unknown>): OAuthApp | undefined {
  const oauth = handle['oauth'] as Partial<OAuthApp> | undefined;
  if (oauth?.clientId && oauth.clientSecret && oauth.tokenUrl) return oauth as OAuthApp;
  const app = handle['app'] as { appId?: string; appSecret?: string; tokenUrl?: string } | undefined;
  if (app?.appId && app.appSecret && app.tokenUrl)
    return { clientId: app.appId, clientSecret: app.appSecret, tokenUrl: app.tokenUrl };
  return undefined;
}

/** Installs each emulator's OAuth app and mints a link token for it; returns the lines to print. */
export async function linkDemoCrms(serverUrl: string, apiToken: string, crms: DemoCrm[]): Promise<string[]> {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${serverUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${String(json['message'])}`);
    return json;
  };
  const lines: string[] = [];
  for (const crm of crms) {
    if (crm.oauth) {
      const installed = await call('GET', `/environment-integration?integration_id=${crm.slug}`);
      const [row] = installed['result'] as Array<{ id: string }>;
      await call('PATCH', `/environment-integration/${row!.id}`, {
        oauth_app: {
          client_id: crm.oauth.clientId,
          client_secret: crm.oauth.clientSecret,
          ...(crm.oauth.authorizeUrl ? { authorize_url: crm.oauth.authorizeUrl } : {}),
          token_url: crm.oauth.tokenUrl,
        },
      });
    }
    const link = await call('POST', '/link-token', {
      tenant_id: `demo-${crm.slug}`,
      integration: crm.slug,
      context: { api_origin: crm.url },
    });
    lines.push(
      `${crm.name} sandbox: ${crm.url}`,
      `  link it (open in a browser): ${String(link['link_url'])}`,
      ...crm.banner.credentials.map(([label, value]) => `  ${label}: ${value}`),
      '',
    );
  }
  return lines;
}
