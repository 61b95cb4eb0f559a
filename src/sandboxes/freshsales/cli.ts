/** `switchboard sandbox freshsales [--port 8286] [--users 60] [--seed 42] [--token API_KEY] [--per-hour 1000] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startFreshsalesSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Freshsales',
  slug: 'freshsales',
  defaults: { port: 8286, users: 60 },
  options: { 'per-minute': { type: 'string' }, 'per-hour': { type: 'string' } },
  help: [
    '--token KEY             the admin’s API key',
    '--per-minute N          calls a minute per account (default 400; 0 with --per-hour 0 = off)',
    '--per-hour N            calls an hour per account (default 1000, the Growth plan)',
  ],
  start: (flags) => {
    const perMinute = countFlag(flags.extra['per-minute'], 'per-minute', 400);
    const perHour = countFlag(flags.extra['per-hour'], 'per-hour', 1000);
    return startFreshsalesSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      apiKey: flags.token,
      rateLimit: perMinute === 0 && perHour === 0 ? null : { perMinute, perHour },
      faults: flags.faults,
    });
  },
  banner: (sandbox) => {
    const all = sandbox.control.list();
    return {
      credentials: [
        ['bundle path', `${sandbox.url}/crm/sales`],
        ['api key', sandbox.apiKey],
      ],
      notes: [
        `users: ${all.filter((u) => u.is_active).length} active, ${all.filter((u) => !u.is_active).length} deactivated`,
      ],
      curl: `curl -H 'Authorization: Token token=${sandbox.apiKey}' '${sandbox.url}/crm/sales/api/selector/owners'`,
    };
  },
});

export const run = cli.run;
