/** `switchboard sandbox keap [--port 8484] [--users 200] [--seed 42] [--token KEY] [--client-id ID] …` */
import { emulatorCli } from '../kit/cli.ts';
import { API, startKeapSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Keap',
  slug: 'keap',
  defaults: { port: 8484, users: 200 },
  options: {
    'rate-limit': { type: 'string' },
    'auto-approve': { type: 'boolean' },
  },
  help: [
    '--token KEY             the Personal Access Token (X-Keap-API-Key)',
    '--rate-limit KIND       key (10/s, 240/min, 30,000/day; default), oauth (1,500/min, 150,000/day) or off',
    '--auto-approve          OAuth authorize redirects at once, without the consent page',
  ],
  start: (flags) => {
    const limits = (flags.extra['rate-limit'] as string | undefined) ?? 'key';
    if (!['key', 'oauth', 'off'].includes(limits)) throw new Error('--rate-limit must be key, oauth or off');
    return startKeapSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      apiKey: flags.token,
      rateLimit: limits === 'off' ? null : (limits as 'key' | 'oauth'),
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
    const inactive = users.filter((u) => u.status === 'INACTIVE').length;
    return {
      credentials: [
        ['API key', sandbox.apiKey],
        ['tenant', sandbox.tenant],
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        [
          'authorize',
          `${sandbox.oauth.authorizeUrl}?client_id=${sandbox.oauth.clientId}&response_type=code&scope=full&redirect_uri=http://localhost:3000/callback`,
        ],
        ['token URL', sandbox.oauth.tokenUrl],
      ],
      notes: [`users: ${users.length} (${inactive} inactive)`],
      curl: `curl -H 'X-Keap-API-Key: ${sandbox.apiKey}' '${sandbox.url}${API}/users?page_size=2&filter=include_inactive%3D%3Dtrue'`,
    };
  },
});

export const run = cli.run;
