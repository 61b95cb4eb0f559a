import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox accelo', () => {
  it('prints its deployment, a ready token and the OAuth client, serves staff, and stops on SIGTERM', async () => {
    const args = ['sandbox', 'accelo', '--port', '0', '--staff', '12', '--deployment', 'acme-demo'];
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
    expect(out).toMatch(/deployment: +acme-demo/);
    expect(out).toMatch(/client id: +[0-9a-f]{8}@acme-demo\.accelo\.com/);
    const token = /access token: +(\S+)/.exec(out)![1]!;
    const res = await fetch(`${url}/api/v0/staff?_limit=100`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { response: unknown[] }).response).toHaveLength(14);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
