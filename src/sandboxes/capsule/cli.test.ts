import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox capsule', () => {
  it('prints its URL, token and OAuth client, serves users, and stops on SIGTERM', async () => {
    const args = [
      'sandbox',
      'capsule',
      '--port',
      '0',
      '--users',
      '30',
      '--token',
      'capsule-cli',
      '--client-id',
      'cid-1',
    ];
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m && out.includes('control:')) resolve(m[1]!);
      });
      child.stderr.on('data', (chunk) => reject(new Error(String(chunk))));
      setTimeout(() => reject(new Error(`no banner: ${out}`)), 15_000);
    });
    expect(out).toMatch(/token: +capsule-cli/);
    expect(out).toMatch(/client id: +cid-1/);
    const res = await fetch(`${url}/api/v2/users?perPage=100`, {
      headers: { authorization: 'Bearer capsule-cli' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { users: unknown[] }).users.length).toBeGreaterThan(20);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
