/** `switchboard sandbox activecampaign [--port 8411] [--users 60] [--account youraccountname] [--token KEY] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startActiveCampaignSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'ActiveCampaign',
  slug: 'activecampaign',
  defaults: { port: 8411, users: 60 },
  options: {
    account: { type: 'string' },
    'rate-limit': { type: 'string' },
  },
  help: [
    '--account NAME          the account in https://NAME.api-us1.com (default youraccountname)',
    '--rate-limit N          calls per second per account (default 5; 0 = off)',
  ],
  start: (flags) => {
    const calls = countFlag(flags.extra['rate-limit'], 'rate-limit', 5);
    const account = flags.extra.account as string | undefined;
    if (account !== undefined && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(account))
      throw new Error('--account must be a lower-case DNS label');
    return startActiveCampaignSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      account,
      token: flags.token,
      rateLimit: calls === 0 ? null : { calls, windowMs: 1000 },
      faults: flags.faults,
    });
  },
  banner: (sandbox) => ({
    credentials: [
      ['API URL', sandbox.apiUrl],
      ['API key', sandbox.token],
    ],
    notes: [`users: ${sandbox.control.list().length}`],
    curl: `curl -H 'Api-Token: ${sandbox.token}' '${sandbox.url}/api/3/users?limit=2'`,
  }),
});

export const run = cli.run;
