import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox salesflare', () => {
  it('prints its API key, serves users, and stops on SIGTERM', async () => {
    const args = ['sandbox', 'salesflare', '--port', '0', '--users', '30', '--token', 'sf-cli-key'];
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
    expect(out).toMatch(/API key: +sf-cli-key/);
    expect(out).toContain(`curl -H 'Authorization: Bearer sf-cli-key' '${url}/users?limit=2'`);
    const res = await fetch(`${url}/users?limit=100`, { headers: { authorization: 'Bearer sf-cli-key' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBe(30);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
