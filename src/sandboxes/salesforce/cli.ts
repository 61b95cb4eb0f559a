/** `switchboard sandbox salesforce [--port 8429] [--users 200] [--seed 42] [--client-id ID] [--rotate] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startSalesforceSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Salesforce',
  slug: 'salesforce',
  defaults: { port: 8429, users: 200 },
  options: {
    'daily-requests': { type: 'string' },
    rotate: { type: 'boolean' },
    'auto-approve': { type: 'boolean' },
  },
  help: [
    '--daily-requests N      the org API request allocation per 24 h (default 15000; 0 = none)',
    '--rotate                refresh token rotation on (a reused refresh token revokes the grant)',
    '--auto-approve          OAuth authorize redirects at once, without the consent page',
  ],
  start: (flags) => {
    const daily = countFlag(flags.extra['daily-requests'], 'daily-requests', 15_000);
    return startSalesforceSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      dailyApiRequests: daily === 0 ? null : daily,
      faults: flags.faults,
      oauth: {
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        autoApprove: Boolean(flags.extra['auto-approve']),
        refreshTokens: flags.extra['rotate'] ? 'rotating' : 'reusable',
      },
    });
  },
  banner: (sandbox) => {
    const token = sandbox.control.oauth.issueTokens({ scopes: ['api', 'refresh_token'] });
    const users = sandbox.control.list(['UserType', 'IsActive']);
    const standard = users.filter((u) => u['UserType'] === 'Standard');
    return {
      credentials: [
        ['org id', sandbox.orgId],
        ['consumer key', sandbox.oauth.clientId],
        ['consumer secret', sandbox.oauth.clientSecret],
        ['authorize', sandbox.oauth.authorizeUrl],
        ['token URL', sandbox.oauth.tokenUrl],
        ['access token', token.accessToken],
        ['refresh token', token.refreshToken ?? ''],
      ],
      notes: [
        `users: ${standard.length} Standard (${standard.filter((u) => u['IsActive'] === false).length} inactive), ${users.length - standard.length} other types`,
      ],
      curl: `curl -H 'Authorization: Bearer ${token.accessToken}' '${sandbox.url}/services/data/v62.0/query?q=SELECT+Id,Name,Email+FROM+User+LIMIT+2'`,
    };
  },
});

export const run = cli.run;
