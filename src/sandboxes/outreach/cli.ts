/** `switchboard sandbox outreach [--port 8424] [--users 200] [--seed 42] [--client-id ID] …` */
import { emulatorCli } from '../kit/cli.ts';
import { startOutreachSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Outreach',
  slug: 'outreach',
  defaults: { port: 8424, users: 200 },
  options: { 'auto-approve': { type: 'boolean' } },
  help: ['--auto-approve          OAuth authorize redirects at once, without the consent page'],
  start: (flags) =>
    startOutreachSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      faults: flags.faults,
      oauth: {
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        autoApprove: Boolean(flags.extra['auto-approve']),
      },
    }),
  banner: (sandbox) => {
    // Outreach has no personal tokens: the banner issues an access token for trying the API.
    const token = sandbox.control.oauth.issueTokens({ scopes: ['users.read'] }).accessToken;
    const users = sandbox.control.list();
    return {
      credentials: [
        ['access token', token],
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        ['authorize', sandbox.oauth.authorizeUrl],
        ['token URL', sandbox.oauth.tokenUrl],
      ],
      notes: [
        `users: ${users.filter((u) => !u.attributes.locked).length} active, ${users.filter((u) => u.attributes.locked).length} locked`,
      ],
      curl: `curl -H 'Authorization: Bearer ${token}' '${sandbox.url}/api/v2/users?page%5Bsize%5D=2'`,
    };
  },
});

export const run = cli.run;
