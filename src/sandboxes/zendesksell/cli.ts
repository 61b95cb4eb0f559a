/** `switchboard sandbox zendesksell [--port 8430] [--users 200] [--seed 42] [--token T] [--client-id ID] …` */
import { emulatorCli } from '../kit/cli.ts';
import { startZendeskSellSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Zendesk Sell',
  slug: 'zendesksell',
  defaults: { port: 8430, users: 200 },
  options: { 'auto-approve': { type: 'boolean' } },
  help: ['--auto-approve          OAuth authorize redirects at once, without the consent page'],
  start: (flags) =>
    startZendeskSellSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      token: flags.token,
      faults: flags.faults,
      oauth: {
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        autoApprove: Boolean(flags.extra['auto-approve']),
      },
    }),
  banner: (sandbox) => {
    const users = sandbox.control.list();
    return {
      credentials: [
        ['personal token', sandbox.token],
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        ['authorize', sandbox.oauth.authorizeUrl],
        ['token URL', sandbox.oauth.tokenUrl],
      ],
      notes: [
        `users: ${users.filter((u) => u.status === 'active').length} active, ${users.filter((u) => u.status === 'inactive').length} inactive`,
      ],
      curl: `curl -H 'Authorization: Bearer ${sandbox.token}' '${sandbox.url}/v2/users?per_page=2'`,
    };
  },
});

export const run = cli.run;
