import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox insightly', () => {
  it('prints its pod and key, serves users, and stops on SIGTERM', async () => {
    const args = ['sandbox', 'insightly', '--port', '0', '--users', '9', '--pod', 'eu1', '--token', 'key-1'];
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
    expect(out).toMatch(/pod: +eu1/);
    expect(out).toContain(`curl -u 'key-1:' '${url}/v3.1/Users?top=2'`);
    const res = await fetch(`${url}/v3.1/Users`, {
      headers: { authorization: `Basic ${Buffer.from('key-1:').toString('base64')}` },
    });
    expect(res.status).toBe(200);
    expect((await res.json()) as unknown[]).toHaveLength(9);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
