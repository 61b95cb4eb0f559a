/**
 * `switchboard demo`: the server plus a seeded LeadSquared sandbox and a linked demo account, on embedded
 * defaults, so a new user can call the unified API at once. Prints ready-to-run commands. `--crm a,b`
 * also starts those CRM emulators and prints a link URL for each (see demo-crms.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { newToken } from '../crypto/tokens.ts';
import { startLeadSquaredSandbox } from '../sandboxes/leadsquared/index.ts';
import { startServer } from '../server.ts';
import { ensureDataDir } from '../store/data-dir.ts';
import { linkDemoCrms, startDemoCrms } from './demo-crms.ts';
import { printBanner, stopOnSignals } from './serve.ts';

const DEMO_TENANT = 'demo';

/** The demo's API token: kept (owner-only) in the data directory so every demo run prints a working one. */
function demoToken(dataDir: string): string {
  const file = path.join(dataDir, 'demo-api-token');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  ensureDataDir(dataDir);
  const token = newToken('sb_demo');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'sandbox-port': { type: 'string', default: '8181' },
      users: { type: 'string', default: '5000' },
      seed: { type: 'string', default: '42' },
      crm: { type: 'string', multiple: true, default: [] },
    },
  });
  const crms = await startDemoCrms(values.crm.flatMap((v) => v.split(',')).filter(Boolean));
  const base = loadConfig();
  const sandbox = await startLeadSquaredSandbox({
    port: Number(values['sandbox-port']),
    users: Number(values.users),
    seed: Number(values.seed),
  }).catch(() =>
    // The port is taken (another demo?): any free port works, the account is re-pointed below.
    startLeadSquaredSandbox({ users: Number(values.users), seed: Number(values.seed) }),
  );
  const token = base.apiToken ?? demoToken(base.dataDir);
  const config = {
    ...base,
    apiToken: token,
    allowedUpstreamOrigins: [...base.allowedUpstreamOrigins, sandbox.url, ...crms.map((c) => c.url)],
    // The demo's connect page offers its sandbox ("Sandbox 1") so that linking works without real keys.
    connectSandboxes: true,
  };
  const server = await startServer(config);
  const context = { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url };
  const existing = await server.services.accounts.list({
    environmentId: 'default',
    tenantId: DEMO_TENANT,
    integration: 'leadsquared',
    limit: 1,
  });
  const account = existing.accounts[0]
    ? await server.services.accounts.patch('default', existing.accounts[0].id, { context })
    : await server.services.accounts.create('default', {
        integration: 'leadsquared',
        tenant_id: DEMO_TENANT,
        context,
      });

  const crmLines = await linkDemoCrms(server.url, token, crms);
  printBanner(server.url, server.databaseLocation, undefined);
  const auth = `-H "Authorization: Bearer ${token}"`;
  const q = `integrated_account_id=${account.id}`;
  process.stdout.write(
    [
      '',
      `LeadSquared sandbox: ${sandbox.url} (${values.users} users, seed ${values.seed}, 25 calls per 5 s like the real API)`,
      `Demo account: ${account.id} (status ${account.status})`,
      `API token: ${token}`,
      '',
      'Try:',
      `  curl -s ${auth} "${server.url}/unified/user-directory/users?${q}&limit=5"`,
      `  curl -s ${auth} "${server.url}/unified/user-directory/users?${q}&status=inactive&sort_by=-created_at&limit=3"`,
      `  curl -s ${auth} "${server.url}/unified/user-directory/groups?${q}"`,
      `  curl -s ${auth} "${server.url}/unified/user-directory/roles?${q}"`,
      `  curl -s ${auth} "${server.url}/unified/crm/users?${q}&is_active=true&limit=3"`,
      `  curl -s ${auth} "${server.url}/proxy/teams?${q}"`,
      `  curl -s ${auth} "${server.url}/unified/user-directory/users/meta/list?${q}"`,
      '',
      ...crmLines,
      ...(crms.length > 0
        ? [
            `Once linked: curl -s ${auth} "${server.url}/integrated-account?tenant_id=demo-<crm>", then /unified/crm/users?integrated_account_id=…`,
            '',
          ]
        : []),
    ].join('\n'),
  );
  stopOnSignals(async () => {
    await server.close();
    await sandbox.close();
    await Promise.all(crms.map((crm) => crm.close()));
  });
}
