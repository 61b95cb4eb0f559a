/**
 * The operator commands: first start prints one admin token; `api-token create` mints more that work;
 * `environment create|list` manage environments.
 */
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
    // It is an admin token: it may create environments.
    const environment = await fetch(`${first.url}/environment`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Made by the first token' }),
    });
    expect(environment.status).toBe(201);
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

  it('creates and lists environments, and mints admin tokens only with --admin', async () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['src/cli.ts', ...args], { env, encoding: 'utf8' });
    const created = cli('environment', 'create', 'Staging EU');
    expect(created.status, created.stderr).toBe(0);
    const id = /^environment_id=(\S+)$/m.exec(created.stdout)?.[1];
    const staging = /^api_token=(sb_\S+)$/m.exec(created.stdout)?.[1];
    expect(id).toBeTruthy();
    expect(staging).toBeTruthy();

    const listed = cli('environment', 'list');
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^default\tDefault\t/m);
    expect(listed.stdout).toContain(`${id}\tStaging EU\t`);
    expect(listed.stdout).not.toContain(staging);

    const admin = cli('api-token', 'create', '--admin', '--name', 'ops').stdout.trim();
    const plain = cli('api-token', 'create', '--name', 'plain').stdout.trim();
    const server = await serveOnce();
    const call = (token: string, method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const own = (await (await call(staging!, 'GET', '/environment')).json()) as { result: { id: string }[] };
    expect(own.result.map((e) => e.id)).toEqual([id]);
    expect((await call(admin, 'POST', '/environment', { name: 'From the API' })).status).toBe(201);
    expect((await call(plain, 'POST', '/environment', { name: 'Refused' })).status).toBe(403);
    expect((await call(staging!, 'POST', '/environment', { name: 'Refused' })).status).toBe(403);
    await server.stop();

    const blank = cli('environment', 'create', '');
    expect(blank.status).toBe(1);
    expect(blank.stderr).toContain('name');
    const usage = cli('environment', 'drop');
    expect(usage.status).toBe(1);
    expect(usage.stderr).toContain('usage: switchboard environment');
  });
});
