/** `switchboard sandbox highlevel [--port 8422] [--users 200] [--seed 42] [--token T] [--client-id ID] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startHighLevelSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'HighLevel',
  slug: 'highlevel',
  defaults: { port: 8422, users: 200 },
  options: {
    'rate-limit': { type: 'string' },
    'auto-approve': { type: 'boolean' },
  },
  help: [
    '--token T               the main location’s Private Integration Token',
    '--rate-limit N          burst calls per 10 s per app and location (default 100, plus 200,000 a day; 0 = off)',
    '--auto-approve          OAuth chooselocation redirects at once, for the main location',
  ],
  start: (flags) => {
    const calls = countFlag(flags.extra['rate-limit'], 'rate-limit', 100);
    return startHighLevelSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      token: flags.token,
      rateLimit: calls === 0 ? null : calls,
      faults: flags.faults,
      oauth: {
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        autoApprove: Boolean(flags.extra['auto-approve']),
      },
    });
  },
  banner: (sandbox) => ({
    credentials: [
      ['token', sandbox.token],
      ['location id', sandbox.locationId],
      ['company id', sandbox.companyId],
      ['client id', sandbox.oauth.clientId],
      ['client secret', sandbox.oauth.clientSecret],
      [
        'authorize',
        `${sandbox.oauth.authorizeUrl}?response_type=code&client_id=${sandbox.oauth.clientId}&scope=users.readonly`,
      ],
      ['token URL', sandbox.oauth.tokenUrl],
    ],
    notes: [
      `users in the main location: ${sandbox.control.list().length} (${sandbox.control.all().length} in the agency)`,
    ],
    curl: `curl -H 'Authorization: Bearer ${sandbox.token}' -H 'Version: 2021-07-28' '${sandbox.url}/users/?locationId=${sandbox.locationId}'`,
  }),
});

export const run = cli.run;
