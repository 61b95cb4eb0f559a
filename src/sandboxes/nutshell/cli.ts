/** `switchboard sandbox nutshell [--port 8423] [--users 60] [--seed 42] [--token API_KEY] [--no-rate-limit] …` */
import { emulatorCli } from '../kit/cli.ts';
import { startNutshellSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Nutshell',
  slug: 'nutshell',
  defaults: { port: 8423, users: 60 },
  options: { 'no-rate-limit': { type: 'boolean' } },
  help: [
    '--token KEY             the API key',
    '--no-rate-limit         no limit (default: 10 calls a second)',
  ],
  start: (flags) =>
    startNutshellSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      apiKey: flags.token,
      rateLimit: flags.extra['no-rate-limit'] ? null : undefined,
      faults: flags.faults,
    }),
  banner: (sandbox) => {
    const all = sandbox.control.list();
    return {
      credentials: [
        ['user name', `${sandbox.email} (or ${sandbox.domain})`],
        ['api key', sandbox.apiKey],
      ],
      notes: [
        `users: ${all.filter((u) => u.isEnabled).length} enabled, ${all.filter((u) => !u.isEnabled).length} disabled`,
      ],
      curl: `curl -g -u '${sandbox.email}:${sandbox.apiKey}' '${sandbox.url}/rest/users?page[limit]=2'`,
    };
  },
});

export const run = cli.run;
