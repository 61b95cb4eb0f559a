/** `switchboard sandbox onepagecrm [--port 8285] [--users 40] [--seed 42] [--token API_KEY] [--no-throttle] …` */
import { emulatorCli } from '../kit/cli.ts';
import { startOnePageCrmSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'OnePageCRM',
  slug: 'onepagecrm',
  defaults: { port: 8285, users: 40 },
  options: { 'no-throttle': { type: 'boolean' } },
  help: ['--token KEY             the API user’s API key', '--no-throttle           no request throttle'],
  start: (flags) =>
    startOnePageCrmSandbox({
      port: flags.port,
      host: flags.host,
      users: flags.users,
      seed: flags.seed,
      apiKey: flags.token,
      rateLimit: flags.extra['no-throttle'] ? null : undefined,
      faults: flags.faults,
    }),
  banner: (sandbox) => ({
    credentials: [
      ['user id', sandbox.userId],
      ['api key', sandbox.apiKey],
    ],
    notes: [`team: ${sandbox.control.list().length} users`, 'throttle: 10 a second, 50 per 10 s (403)'],
    curl: `curl -u '${sandbox.userId}:${sandbox.apiKey}' '${sandbox.url}/api/v3/users'`,
  }),
});

export const run = cli.run;
