import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox nutshell', () => {
  it('prints its URL, user name and API key, serves the users list, and stops on SIGTERM', async () => {
    const args = ['sandbox', 'nutshell', '--port', '0', '--users', '12', '--token', 'ns-cli-key'];
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m && out.includes('control:')) resolve(m[1]!);
      });
      child.stderr.on('data', (chunk) => reject(new Error(String(chunk))));
      setTimeout(() => reject(new Error(`no banner: ${out}`)), 15_000);
    });
    expect(out).toMatch(/api key: +ns-cli-key/);
    const email = /user name: +(\S+)/.exec(out)![1]!;
    const auth = `Basic ${Buffer.from(`${email}:ns-cli-key`).toString('base64')}`;
    expect(out).toContain(`curl -g -u '${email}:ns-cli-key' '${url}/rest/users?page[limit]=2'`);
    const res = await fetch(`${url}/rest/users?page%5Blimit%5D=100`, { headers: { authorization: auth } });
    expect(((await res.json()) as { users: unknown[] }).users).toHaveLength(12);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
