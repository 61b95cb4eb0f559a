/** The operator commands: first start prints one admin token; `api-token create` mints more that work. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cli-'));
// These commands use the embedded database, whatever the test run is configured with.
const env = {
  ...process.env,
  DATA_DIR: dataDir,
  DATABASE_URL: '',
  REDIS_URL: '',
  SWITCHBOARD_API_TOKEN: '',
  PORT: '0',
};

async function serveOnce(): Promise<{ output: string; url: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['src/cli.ts', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${output}`)), 20_000);
    child.stdout.on('data', () => {
      const match = /listening on (\S+)/.exec(output);
      if (match && output.includes('API docs')) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  await new Promise((r) => setTimeout(r, 100));
  return {
    output,
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

describe('switchboard commands', () => {
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('prints an admin token on first start only, and stops cleanly on SIGTERM', async () => {
    const first = await serveOnce();
    const token = /^\s+(sb_\S+)$/m.exec(first.output)?.[1];
    expect(token).toBeTruthy();
    const response = await fetch(`${first.url}/integrated-account`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = await serveOnce();
    expect(second.output).not.toContain('admin API token');
    const again = await fetch(`${second.url}/integrated-account`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(200);
    expect(await second.stop()).toBe(0);
  });

  it('mints more tokens with `api-token create`', async () => {
    const created = spawnSync(process.execPath, ['src/cli.ts', 'api-token', 'create', '--name', 'ci'], {
      env,
      encoding: 'utf8',
    });
    expect(created.status, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^sb_/);
    const server = await serveOnce();
    const response = await fetch(`${server.url}/integrated-account`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    await server.stop();

    const unknown = spawnSync(
      process.execPath,
      ['src/cli.ts', 'api-token', 'create', '--environment', 'nope'],
      { env, encoding: 'utf8' },
    );
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no environment "nope"');
  });
});
