/** `switchboard sandbox teamleader [--port 8291] [--users 120] [--seed 42] [--client-id ID] [--client-secret S] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startTeamleaderSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Teamleader Focus',
  slug: 'teamleader',
  defaults: { port: 8291, users: 120 },
  options: {
    'rate-limit': { type: 'string' },
    'auto-approve': { type: 'boolean' },
  },
  help: [
    '--rate-limit N          calls per minute (default 200; 0 = off)',
    '--auto-approve          OAuth authorize redirects at once, without the consent page',
  ],
  start: (flags) => {
    const calls = countFlag(flags.extra['rate-limit'], 'rate-limit', 200);
    return startTeamleaderSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      rateLimit: calls === 0 ? null : { calls, windowMs: 60_000 },
      faults: flags.faults,
      oauth: {
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        autoApprove: Boolean(flags.extra['auto-approve']),
      },
    });
  },
  banner: (sandbox) => {
    const active = sandbox.control.list({ status: 'active' }).length;
    const deactivated = sandbox.control.list({ status: 'deactivated' }).length;
    const token = sandbox.control.issueTokens().accessToken;
    const authorize = new URL(sandbox.oauth.authorizeUrl);
    authorize.search = new URLSearchParams({
      client_id: sandbox.oauth.clientId,
      response_type: 'code',
      redirect_uri: 'http://localhost:3000/callback',
      state: 'demo',
    }).toString();
    return {
      credentials: [
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        ['authorize', authorize.toString()],
        ['token URL', sandbox.oauth.tokenUrl],
        ['access token', token],
      ],
      notes: [`users: ${active} active, ${deactivated} deactivated; account ${sandbox.accountId}`],
      curl: `curl -X POST -H 'Authorization: Bearer ${token}' -H 'content-type: application/json' -d '{"page":{"size":2}}' '${sandbox.url}/users.list'`,
    };
  },
});

export const run = cli.run;
