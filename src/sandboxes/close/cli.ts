/** `switchboard sandbox close [--port 8420] [--users 200] [--seed 42] [--token API_KEY] [--client-id ID] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startCloseSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Close',
  slug: 'close',
  defaults: { port: 8420, users: 200 },
  options: {
    'rate-limit': { type: 'string' },
    'auto-approve': { type: 'boolean' },
  },
  help: [
    '--token KEY             the API key (sent as the HTTP Basic user name)',
    '--rate-limit N          calls per second per API key (default 20; 0 = off)',
    '--auto-approve          OAuth authorize redirects at once, without the consent page',
  ],
  start: (flags) => {
    const calls = countFlag(flags.extra['rate-limit'], 'rate-limit', 20);
    return startCloseSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      apiKey: flags.token,
      rateLimit: calls === 0 ? null : { calls, windowMs: 1000 },
      faults: flags.faults,
      oauth: {
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        autoApprove: Boolean(flags.extra['auto-approve']),
      },
    });
  },
  banner: (sandbox) => {
    const authorize = new URL(sandbox.oauth.authorizeUrl);
    authorize.search = new URLSearchParams({
      client_id: sandbox.oauth.clientId,
      response_type: 'code',
      redirect_uri: 'http://localhost:3000/callback',
      scope: 'all.full_access offline_access',
      state: 'demo',
    }).toString();
    return {
      credentials: [
        ['API key', sandbox.apiKey],
        ['organization', sandbox.organizationId],
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        ['authorize', authorize.toString()],
        ['token URL', sandbox.oauth.tokenUrl],
      ],
      notes: [
        `users: ${sandbox.control.list().length} members, ${sandbox.control.memberships(false).length} removed`,
      ],
      curl: `curl -u '${sandbox.apiKey}:' '${sandbox.url}/api/v1/user/?_limit=2'`,
    };
  },
});

export const run = cli.run;
