/** `switchboard serve`: the server, configured from the environment (see the README's table). */
import { loadConfig } from '../config.ts';
import { startServer } from '../server.ts';

export async function run(_argv: string[]): Promise<void> {
  const server = await startServer(loadConfig());
  printBanner(server.url, server.databaseLocation, server.firstToken);
  stopOnSignals(() => server.close());
}

export function printBanner(url: string, database: string, firstToken: string | undefined): void {
  const lines = [`Switchboard is listening on ${url}`, `  database: ${database}`, `  API docs: ${url}/docs`];
  if (firstToken) {
    lines.push(
      '',
      'Your admin API token (shown once, stored only as a hash; create more with `switchboard api-token create --admin`):',
      `  ${firstToken}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function stopOnSignals(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal} received: finishing in-flight requests, then stopping\n`);
    close().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
