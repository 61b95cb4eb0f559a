import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox outreach', () => {
  it('prints its URL and credentials, serves users, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'sandbox', 'outreach', '--port', '0', '--users', '20'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    expect(out).toMatch(/client secret: +\S+/);
    const token = /access token: +(\S+)/.exec(out)![1]!;
    const res = await fetch(`${url}/api/v2/users`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(21);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
