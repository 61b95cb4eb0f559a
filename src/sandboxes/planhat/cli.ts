/** `switchboard sandbox planhat [--port 8427] [--users 200] [--seed 42] [--token T] [--rate-limit 200] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startPlanhatSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Planhat',
  slug: 'planhat',
  defaults: { port: 8427, users: 200 },
  options: { 'rate-limit': { type: 'string' } },
  help: ['--rate-limit N          calls per minute (default 200, with 150 a second; 0 = off)'],
  start: (flags) => {
    const calls = countFlag(flags.extra['rate-limit'], 'rate-limit', 200);
    return startPlanhatSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      token: flags.token,
      rateLimit:
        calls === 0
          ? null
          : [
              { name: 'minute', limit: calls, windowMs: 60_000 },
              { name: 'second', limit: 150, windowMs: 1000 },
            ],
      faults: flags.faults,
    });
  },
  banner: (sandbox) => {
    const all = sandbox.control.list();
    return {
      credentials: [['API access token', sandbox.token]],
      notes: [
        `users: ${all.filter((u) => !u.inactive).length} active, ${all.filter((u) => u.inactive).length} inactive`,
      ],
      curl: `curl -H 'Authorization: Bearer ${sandbox.token}' '${sandbox.url}/users?limit=2'`,
    };
  },
});

export const run = cli.run;
