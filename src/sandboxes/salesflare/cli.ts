/** `switchboard sandbox salesflare [--port 8428] [--users 200] [--seed 42] [--token KEY] [--rate-limit 10] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startSalesflareSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Salesflare',
  slug: 'salesflare',
  defaults: { port: 8428, users: 200 },
  options: { 'rate-limit': { type: 'string' } },
  help: [
    '--rate-limit N          calls per second per API key (default 10; 0 = off)',
    '--token KEY             the API key',
  ],
  start: (flags) => {
    const calls = countFlag(flags.extra['rate-limit'], 'rate-limit', 10);
    return startSalesflareSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      apiKey: flags.token,
      rateLimit: calls === 0 ? null : [{ name: 'key', limit: calls, windowMs: 1000 }],
      faults: flags.faults,
    });
  },
  banner: (sandbox) => {
    const all = sandbox.control.list();
    return {
      credentials: [['API key', sandbox.apiKey]],
      notes: [
        `users: ${all.filter((u) => !u.disabled).length} enabled, ${all.filter((u) => u.disabled).length} disabled`,
      ],
      curl: `curl -H 'Authorization: Bearer ${sandbox.apiKey}' '${sandbox.url}/users?limit=2'`,
    };
  },
});

export const run = cli.run;
