/** `switchboard sandbox pipedrive [--port 8425] [--users 200] [--seed 42] [--token T] [--client-id ID] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startPipedriveSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Pipedrive',
  slug: 'pipedrive',
  defaults: { port: 8425, users: 200 },
  options: {
    burst: { type: 'string' },
    'api-domain': { type: 'string' },
    'auto-approve': { type: 'boolean' },
  },
  help: [
    '--burst N               calls per 2 s (default 20, the Lite API-token limit; 0 = no limits)',
    '--api-domain URL        api_domain in token responses (default: the emulator itself)',
    '--auto-approve          OAuth authorize redirects at once, without the consent page',
  ],
  start: (flags) => {
    const burst = countFlag(flags.extra.burst, 'burst', 20);
    return startPipedriveSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      token: flags.token,
      rateLimit: burst === 0 ? null : { burst },
      faults: flags.faults,
      oauth: {
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        autoApprove: Boolean(flags.extra['auto-approve']),
        apiDomain: flags.extra['api-domain'] as string | undefined,
      },
    });
  },
  banner: (sandbox) => {
    const users = sandbox.control.list();
    const authorize = new URL(sandbox.oauth.authorizeUrl);
    authorize.search = new URLSearchParams({
      client_id: sandbox.oauth.clientId,
      redirect_uri: 'http://localhost:3000/callback',
      state: 'demo',
    }).toString();
    return {
      credentials: [
        ['API token', sandbox.token],
        ['company id', String(sandbox.company.id)],
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        ['authorize', authorize.toString()],
        ['token URL', `${sandbox.oauth.tokenUrl} (client id and secret with HTTP Basic)`],
      ],
      notes: [`users: ${users.filter((u) => u.active_flag).length} active, ${users.length} in all`],
      curl: `curl -H 'x-api-token: ${sandbox.token}' '${sandbox.url}/api/v1/users'`,
    };
  },
});

export const run = cli.run;
