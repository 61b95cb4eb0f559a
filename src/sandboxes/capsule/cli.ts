/** `switchboard sandbox capsule [--port 8585] [--users 200] [--seed 42] [--token T] [--client-id ID] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { API, startCapsuleSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Capsule',
  slug: 'capsule',
  defaults: { port: 8585, users: 200 },
  options: {
    'rate-limit': { type: 'string' },
    'auto-approve': { type: 'boolean' },
  },
  help: [
    '--token T               the personal access token (Authorization: Bearer)',
    '--rate-limit N          calls per user per hour (default 4000; 0 = off)',
    '--auto-approve          OAuth authorise redirects at once, without the consent page',
  ],
  start: (flags) => {
    const calls = countFlag(flags.extra['rate-limit'], 'rate-limit', 4000);
    return startCapsuleSandbox({
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
  banner: (sandbox) => {
    const users = sandbox.control.list();
    return {
      credentials: [
        ['token', sandbox.token],
        ['subdomain', sandbox.subdomain],
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        [
          'authorise',
          `${sandbox.oauth.authorizeUrl}?response_type=code&client_id=${sandbox.oauth.clientId}&scope=read`,
        ],
        ['token URL', sandbox.oauth.tokenUrl],
      ],
      notes: [`users: ${users.length} (${users.filter((u) => u.status !== 'ACTIVE').length} suspended)`],
      curl: `curl -H 'Authorization: Bearer ${sandbox.token}' '${sandbox.url}${API}/users?perPage=2'`,
    };
  },
});

export const run = cli.run;
