/** `switchboard sandbox wix [--port 8292] [--users 40] [--seed 42] [--client-id APP_ID] [--client-secret S] …` */
import { countFlag, emulatorCli } from '../kit/cli.ts';
import { startWixSandbox } from './index.ts';

export const cli = emulatorCli({
  name: 'Wix',
  slug: 'wix',
  defaults: { port: 8292, users: 40 },
  usersAlias: 'contributors',
  options: { 'rate-limit': { type: 'string' } },
  help: [
    '--contributors N        same as --users (default 40)',
    '--rate-limit N          calls per minute per instance (default 200; 0 = off)',
    '--client-id, --client-secret   the app id and app secret',
  ],
  start: (flags) => {
    const calls = countFlag(flags.extra['rate-limit'], 'rate-limit', 200);
    return startWixSandbox({
      port: flags.port,
      host: flags.host,
      contributors: flags.users,
      seed: flags.seed,
      rateLimit: calls === 0 ? null : { calls, windowMs: 60_000 },
      faults: flags.faults,
      app: { appId: flags.clientId, appSecret: flags.clientSecret },
    });
  },
  banner: (sandbox) => {
    const body = JSON.stringify({
      grant_type: 'client_credentials',
      client_id: sandbox.app.appId,
      client_secret: sandbox.app.appSecret,
      instance_id: sandbox.instanceId,
    });
    return {
      credentials: [
        ['app id', sandbox.app.appId],
        ['app secret', sandbox.app.appSecret],
        ['instance id', sandbox.instanceId],
        ['token URL', sandbox.app.tokenUrl],
        ['API key', sandbox.apiKey],
        ['site id', sandbox.siteId],
      ],
      notes: [`contributors: ${sandbox.control.list().length}`],
      curl: `curl -H 'content-type: application/json' -d '${body}' '${sandbox.app.tokenUrl}'`,
    };
  },
});

export const run = cli.run;
