/** `switchboard sandbox dynamics365 [--port 8421] [--users 200] [--org-url https://contoso.crm.dynamics.com] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startDynamicsSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Dynamics 365',
  slug: 'dynamics365',
  defaults: { port: 8421, users: 200 },
  options: {
    'org-url': { type: 'string' },
    'rate-limit': { type: 'string' },
    'auto-approve': { type: 'boolean' },
  },
  help: [
    '--org-url URL           the environment tokens are for (default https://contoso.crm.dynamics.com)',
    '--rate-limit N          requests per user per 5 minutes (default 6000; 0 = off)',
    '--auto-approve          OAuth authorize redirects at once, without the consent page',
  ],
  start: (flags) => {
    const limit = countFlag(flags.extra['rate-limit'], 'rate-limit', 6000);
    const orgUrl = flags.extra['org-url'] as string | undefined;
    if (orgUrl !== undefined && !/^https:\/\/[a-z0-9-]+\.crm\d*\.dynamics\.com$/.test(orgUrl))
      throw new Error('--org-url must look like https://<org>.crm<N>.dynamics.com');
    return startDynamicsSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      orgUrl,
      requestsPer5Minutes: limit === 0 ? null : limit,
      faults: flags.faults,
      oauth: {
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        autoApprove: Boolean(flags.extra['auto-approve']),
      },
    });
  },
  banner: (sandbox) => {
    const token = sandbox.control.oauth.issueTokens({
      scopes: [`${sandbox.orgUrl}/.default`, 'offline_access'],
    });
    return {
      credentials: [
        ['environment', sandbox.orgUrl],
        ['tenant id', sandbox.tenantId],
        ['client id', sandbox.oauth.clientId],
        ['client secret', sandbox.oauth.clientSecret],
        ['authorize', sandbox.oauth.authorizeUrl],
        ['token URL', sandbox.oauth.tokenUrl],
        ['access token', token.accessToken],
      ],
      notes: [`systemusers: ${sandbox.control.list().length}`],
      curl: `curl -H 'Authorization: Bearer ${token.accessToken}' -H 'Prefer: odata.maxpagesize=2' '${sandbox.url}/api/data/v9.2/systemusers?$select=fullname'`,
    };
  },
});

export const run = cli.run;
