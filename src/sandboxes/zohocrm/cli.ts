/** `switchboard sandbox zohocrm [--port 8431] [--users 200] [--time-zone Asia/Kolkata] [--credits 5000] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startZohoSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Zoho CRM',
  slug: 'zohocrm',
  defaults: { port: 8431, users: 200 },
  options: {
    'time-zone': { type: 'string' },
    credits: { type: 'string' },
    'auto-approve': { type: 'boolean' },
  },
  help: [
    '--time-zone ZONE        the organisation time zone date-times are written in (default Asia/Kolkata)',
    '--credits N             API credits per rolling 24 hours (default 5000; 0 = off)',
    '--auto-approve          OAuth authorize redirects at once, without the consent page',
  ],
  start: (flags) => {
    const credits = countFlag(flags.extra['credits'], 'credits', 5000);
    const timeZone = flags.extra['time-zone'] as string | undefined;
    if (timeZone !== undefined && !Intl.supportedValuesOf('timeZone').includes(timeZone))
      throw new Error('--time-zone must be an IANA time zone such as Europe/Berlin');
    return startZohoSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      timeZone,
      dailyCredits: credits === 0 ? null : credits,
      faults: flags.faults,
      oauth: {
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        autoApprove: Boolean(flags.extra['auto-approve']),
      },
    });
  },
  banner: (sandbox) => {
    const token = sandbox.control.oauth.issueTokens({ scopes: ['ZohoCRM.users.READ'] });
    const users = sandbox.control.list();
    return {
      credentials: [
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        ['authorize', sandbox.oauth.authorizeUrl],
        ['token URL', sandbox.oauth.tokenUrl],
        ['access token', token.accessToken],
        ['refresh token', token.refreshToken ?? ''],
      ],
      notes: [
        `users: ${users.filter((u) => u.status === 'active').length} active, ${users.filter((u) => u.status === 'disabled').length} deactivated, ${users.filter((u) => u.status === 'deleted').length} deleted`,
      ],
      curl: `curl -H 'Authorization: Zoho-oauthtoken ${token.accessToken}' '${sandbox.url}/crm/v8/users?type=ActiveUsers&per_page=2'`,
    };
  },
});

export const run = cli.run;
