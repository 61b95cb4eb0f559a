/**
 * `switchboard <command>`: the one entry point for operators.
 * Each command lives in its own module and is loaded only when used, so `serve` never pays for the sandboxes.
 */
const commands: Record<
  string,
  { summary: string; load: () => Promise<{ run(argv: string[]): Promise<void> }> }
> = {
  serve: { summary: 'start the Switchboard server', load: () => import('./commands/serve.ts') },
  demo: {
    summary: 'start the server with a seeded LeadSquared sandbox and a linked demo account',
    load: () => import('./commands/demo.ts'),
  },
  sandbox: {
    summary: 'start a vendor sandbox: `switchboard sandbox leadsquared --port 8181 --users 5000 --seed 42`',
    load: () => import('./commands/sandbox.ts'),
  },
  'api-token': {
    summary: 'manage API tokens: `switchboard api-token create [--environment ID] [--name NAME] [--admin]`',
    load: () => import('./commands/api-token.ts'),
  },
  environment: {
    summary: 'manage environments: `switchboard environment create <name>` | `switchboard environment list`',
    load: () => import('./commands/environment.ts'),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `usage: switchboard <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

const [name, ...rest] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  process.stderr.write(
    name && name !== '--help' && name !== '-h' ? `unknown command: ${name}\n\n${usage()}` : usage(),
  );
  process.exit(name && name !== '--help' && name !== '-h' ? 2 : 0);
}
try {
  await (await command.load()).run(rest);
} catch (error) {
  process.stderr.write(`switchboard ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
