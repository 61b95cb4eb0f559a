/** `switchboard sandbox insightly [--port 8412] [--users 120] [--pod na1] [--token KEY] [--rate-limit 10] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startInsightlySandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Insightly',
  slug: 'insightly',
  defaults: { port: 8412, users: 120 },
  options: {
    pod: { type: 'string' },
    'rate-limit': { type: 'string' },
    'daily-limit': { type: 'string' },
  },
  help: [
    '--pod POD               the pod in api.POD.insightly.com (default na1)',
    '--rate-limit N          calls per second per instance (default 10; 0 = no limits)',
    '--daily-limit N         calls per day per instance (default 20000)',
  ],
  start: (flags) => {
    const perSecond = countFlag(flags.extra['rate-limit'], 'rate-limit', 10);
    const daily = countFlag(flags.extra['daily-limit'], 'daily-limit', 20_000);
    const pod = flags.extra.pod as string | undefined;
    if (pod !== undefined && !/^[a-z]{2,4}[0-9]{1,2}$/.test(pod)) throw new Error('--pod must look like na1');
    return startInsightlySandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      pod,
      token: flags.token,
      rateLimit: perSecond === 0 ? null : { perSecond, daily },
      faults: flags.faults,
    });
  },
  banner: (sandbox) => ({
    credentials: [
      ['pod', sandbox.pod],
      ['API key', sandbox.token],
    ],
    notes: [
      `users: ${sandbox.control.list().length} (${sandbox.control.list().filter((u) => u.ACTIVE).length} active)`,
    ],
    curl: `curl -u '${sandbox.token}:' '${sandbox.url}/v3.1/Users?top=2'`,
  }),
});

export const run = cli.run;
