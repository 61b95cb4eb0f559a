/** `switchboard sandbox mondaycrm [--port 8287] [--users 200] [--seed 42] [--token T] [--client-id ID] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startMondaySandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'monday.com',
  slug: 'mondaycrm',
  defaults: { port: 8287, users: 200 },
  options: { 'auto-approve': { type: 'boolean' }, 'daily-limit': { type: 'string' } },
  help: [
    '--auto-approve          OAuth authorize redirects at once, without the consent page',
    '--daily-limit N         calls per day (default 1000, Basic/Standard plans; 0 = no limits)',
  ],
  start: (flags) => {
    const daily = countFlag(flags.extra['daily-limit'], 'daily-limit', 1000);
    return startMondaySandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      token: flags.token,
      faults: flags.faults,
      rateLimit: daily === 0 ? null : { perMinute: 1000, perDay: daily },
      oauth: {
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        autoApprove: Boolean(flags.extra['auto-approve']),
      },
    });
  },
  banner: (sandbox) => {
    const users = sandbox.control.list();
    const query = JSON.stringify({ query: '{ users(limit: 2) { id name email } }' });
    return {
      credentials: [
        ['API token', sandbox.token],
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        ['authorize', sandbox.oauth.authorizeUrl],
        ['token URL', sandbox.oauth.tokenUrl],
      ],
      notes: [
        `users: ${users.filter((u) => u.enabled).length} enabled, ${users.filter((u) => !u.enabled).length} deactivated, ${users.filter((u) => u.is_guest).length} guests`,
      ],
      curl: `curl -H 'Authorization: ${sandbox.token}' -H 'content-type: application/json' -d '${query}' '${sandbox.url}/v2'`,
    };
  },
});

export const run = cli.run;
