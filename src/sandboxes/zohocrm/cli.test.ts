import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox zohocrm', () => {
  it('prints its URL, client and a token, serves users, and stops on SIGTERM', async () => {
    const args = ['sandbox', 'zohocrm', '--port', '0', '--users', '12', '--time-zone', 'Europe/Berlin'];
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
    expect(out).toMatch(/client id: +1000\.[A-Z0-9]{30}/);
    const token = /access token: +(\S+)/.exec(out)![1]!;
    const res = await fetch(`${url}/crm/v8/users?per_page=5`, {
      headers: { authorization: `Zoho-oauthtoken ${token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { users: Array<{ created_time: string }> };
    expect(body.users).toHaveLength(5);
    expect(body.users[0]!.created_time).toMatch(/\+0[12]:00$/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
