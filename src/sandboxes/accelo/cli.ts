/** `switchboard sandbox accelo [--port 8410] [--staff 150] [--deployment planet-express] [--rate-limit 5000] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startAcceloSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Accelo',
  slug: 'accelo',
  defaults: { port: 8410, users: 150 },
  usersAlias: 'staff',
  options: {
    deployment: { type: 'string' },
    'rate-limit': { type: 'string' },
    'auto-approve': { type: 'boolean' },
  },
  help: [
    '--staff N               same as --users (default 150, after the docs’ 2 sample staff)',
    '--deployment NAME       the deployment (subdomain) played (default planet-express)',
    '--rate-limit N          calls per hour per deployment (default 5000; 0 = off)',
    '--auto-approve          OAuth authorize redirects at once, without the consent page',
  ],
  start: (flags) => {
    const calls = countFlag(flags.extra['rate-limit'], 'rate-limit', 5000);
    const deployment = flags.extra.deployment as string | undefined;
    if (deployment !== undefined && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(deployment))
      throw new Error('--deployment must be a lower-case DNS label');
    return startAcceloSandbox({
      port: flags.port,
      host: flags.host,
      staff: flags.users,
      seed: flags.seed,
      deployment,
      rateLimit: calls === 0 ? null : { calls, windowMs: 3_600_000 },
      faults: flags.faults,
      oauth: {
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        autoApprove: Boolean(flags.extra['auto-approve']),
      },
    });
  },
  banner: (sandbox) => {
    // A ready token, as if a user had already consented, so the API can be tried at once.
    const token = sandbox.control.oauth.issueTokens({ scopes: ['read(staff)'] }).accessToken;
    const active = sandbox.control.list().filter((s) => s.standing === 'active').length;
    return {
      credentials: [
        ['deployment', sandbox.deployment],
        ['access token', token],
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        ['authorize', sandbox.oauth.authorizeUrl],
        ['token URL', sandbox.oauth.tokenUrl],
      ],
      notes: [`staff: ${sandbox.control.list().length} (${active} active)`],
      curl: `curl -H 'Authorization: Bearer ${token}' '${sandbox.url}/api/v0/staff?_fields=_ALL&_limit=2'`,
    };
  },
});

export const run = cli.run;
