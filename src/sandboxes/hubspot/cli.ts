/** `switchboard sandbox hubspot [--port 8282] [--owners 200] [--seed 42] [--token T] [--client-id ID] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startHubSpotSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'HubSpot',
  slug: 'hubspot',
  defaults: { port: 8282, users: 200 },
  usersAlias: 'owners',
  options: {
    'rate-limit': { type: 'string' },
    'auto-approve': { type: 'boolean' },
  },
  help: [
    '--owners N              same as --users (default 200)',
    '--rate-limit N          calls per 10 s (default 100; 0 = off)',
    '--auto-approve          OAuth authorize redirects at once, without the consent page',
  ],
  start: (flags) => {
    const calls = countFlag(flags.extra['rate-limit'], 'rate-limit', 100);
    return startHubSpotSandbox({
      port: flags.port,
      host: flags.host,
      owners: flags.users,
      seed: flags.seed,
      token: flags.token,
      rateLimit: calls === 0 ? null : { calls, windowMs: 10_000 },
      faults: flags.faults,
      oauth: {
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        autoApprove: Boolean(flags.extra['auto-approve']),
      },
    });
  },
  banner: (sandbox) => {
    const active = sandbox.control.list({ archived: false }).length;
    const archived = sandbox.control.list({ archived: true }).length;
    const authorize = new URL(sandbox.oauth.authorizeUrl);
    authorize.search = new URLSearchParams({
      client_id: sandbox.oauth.clientId,
      redirect_uri: 'http://localhost:3000/callback',
      scope: 'crm.objects.owners.read',
      state: 'demo',
    }).toString();
    return {
      credentials: [
        ['token', sandbox.token],
        ['hub id', String(sandbox.hubId)],
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        ['authorize', authorize.toString()],
        ['token URL', sandbox.oauth.tokenUrl],
      ],
      notes: [`owners: ${active} active, ${archived} archived`],
      curl: `curl -H 'Authorization: Bearer ${sandbox.token}' '${sandbox.url}/crm/v3/owners?limit=2'`,
    };
  },
});

export const run = cli.run;
