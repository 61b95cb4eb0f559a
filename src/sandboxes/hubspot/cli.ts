/** `switchboard sandbox hubspot [--port 8282] [--host H] [--owners 200] [--seed 42] [--token T]` */
import { parseArgs } from 'node:util';
import { startHubSpotSandbox } from './index.ts';

function int(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return Number(value);
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '8282' },
      host: { type: 'string', default: '127.0.0.1' },
      owners: { type: 'string', default: '200' },
      seed: { type: 'string', default: '42' },
      token: { type: 'string' },
    },
  });
  const sandbox = await startHubSpotSandbox({
    port: int('port', values.port),
    host: values.host,
    owners: int('owners', values.owners),
    seed: int('seed', values.seed),
    token: values.token,
  });
  const active = sandbox.control.list({ archived: false }).length;
  const archived = sandbox.control.list({ archived: true }).length;
  process.stdout.write(
    `HubSpot sandbox (CRM Owners API) listening\n` +
      `  base URL: ${sandbox.url}\n` +
      `  token:    ${sandbox.token}\n` +
      `  owners:   ${active} active, ${archived} archived\n` +
      `  try:      curl -H 'Authorization: Bearer ${sandbox.token}' '${sandbox.url}/crm/v3/owners?limit=2'\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sandbox.close();
}
