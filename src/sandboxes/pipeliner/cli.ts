/** `switchboard sandbox pipeliner [--port 8426] [--users 200] [--seed 42] [--space fr_Acme] [--rate-limit 10] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startPipelinerSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Pipeliner',
  slug: 'pipeliner',
  defaults: { port: 8426, users: 200 },
  options: {
    space: { type: 'string' },
    'rate-limit': { type: 'string' },
  },
  help: [
    '--space ID              the space id in every URL (default fr_Acme)',
    '--rate-limit N          calls per second per space (default 10; 0 = off)',
    '--token T               the API key pair as user:password',
  ],
  start: (flags) => {
    const calls = countFlag(flags.extra['rate-limit'], 'rate-limit', 10);
    const [username, password] = flags.token?.split(':') ?? [];
    if (flags.token !== undefined && !password) throw new Error('--token must be user:password');
    return startPipelinerSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      space: typeof flags.extra['space'] === 'string' ? flags.extra['space'] : undefined,
      username,
      password,
      rateLimit: calls === 0 ? null : [{ name: 'space', limit: calls, windowMs: 1000 }],
      faults: flags.faults,
    });
  },
  banner: (sandbox) => ({
    credentials: [
      ['space id', sandbox.space],
      ['API user name', sandbox.username],
      ['API password', sandbox.password],
      ['base URL', sandbox.baseUrl],
    ],
    notes: [
      `users: ${sandbox.control.list().length} active, ${
        sandbox.control.list({ includeDeleted: true }).filter((c) => c.is_deleted).length
      } deleted (incl. 2 Pipeliner support accounts, type 1)`,
    ],
    curl: `curl -u '${sandbox.username}:${sandbox.password}' '${sandbox.baseUrl}/entities/Clients?first=2'`,
  }),
});

export const run = cli.run;
