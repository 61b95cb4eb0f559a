#!/usr/bin/env node
// Switchboard runs its TypeScript sources natively, which needs Node >= 24.
// On an older Node, re-run this command on the Node 24 pinned as a dependency.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  await import(cli);
} else {
  const pinnedNode = createRequire(import.meta.url).resolve('node/bin/node');
  const child = spawnSync(pinnedNode, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}
