/** `switchboard sandbox attio [--port 8686] [--users 200] [--seed 42] [--token API_KEY] [--client-id ID] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startAttioSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Attio',
  slug: 'attio',
  defaults: { port: 8686, users: 200 },
  usersAlias: 'members',
  options: {
    'rate-limit': { type: 'string' },
    'auto-approve': { type: 'boolean' },
  },
  help: [
    '--members N             same as --users (default 200)',
    '--token KEY             the workspace API key',
    '--rate-limit N          read calls per second per token (default 100; 0 = off)',
    '--auto-approve          OAuth authorize redirects at once, without the consent page',
  ],
  start: (flags) => {
    const calls = countFlag(flags.extra['rate-limit'], 'rate-limit', 100);
    return startAttioSandbox({
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
      state: 'demo',
    }).toString();
    const members = sandbox.control.list();
    return {
      credentials: [
        ['API key', sandbox.apiKey],
        ['workspace', sandbox.workspaceId],
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        ['authorize', authorize.toString()],
        ['token URL', sandbox.oauth.tokenUrl],
      ],
      notes: [
        `members: ${members.length}, ${members.filter((m) => m.access_level === 'suspended').length} suspended`,
      ],
      curl: `curl -H 'Authorization: Bearer ${sandbox.apiKey}' '${sandbox.url}/v2/workspace_members'`,
    };
  },
});

export const run = cli.run;
