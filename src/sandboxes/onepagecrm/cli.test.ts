import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox onepagecrm', () => {
  it('prints its URL, user id and API key, serves the team, and stops on SIGTERM', async () => {
    const args = ['sandbox', 'onepagecrm', '--port', '0', '--users', '12', '--token', 'op-cli-key'];
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
    expect(out).toMatch(/api key: +op-cli-key/);
    const userId = /user id: +([0-9a-f]{24})/.exec(out)![1]!;
    expect(out).toContain(`curl -u '${userId}:op-cli-key' '${url}/api/v3/users'`);
    const auth = `Basic ${Buffer.from(`${userId}:op-cli-key`).toString('base64')}`;
    const res = await fetch(`${url}/api/v3/users`, { headers: { authorization: auth } });
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(12);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
