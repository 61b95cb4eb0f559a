import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox freshsales', () => {
  it('prints its URL and API key, serves the owners selector, and stops on SIGTERM', async () => {
    const args = ['sandbox', 'freshsales', '--port', '0', '--users', '12', '--token', 'fs-cli-key'];
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
    expect(out).toMatch(/api key: +fs-cli-key/);
    expect(out).toContain(
      `curl -H 'Authorization: Token token=fs-cli-key' '${url}/crm/sales/api/selector/owners'`,
    );
    const res = await fetch(`${url}/crm/sales/api/selector/owners`, {
      headers: { authorization: 'Token token=fs-cli-key' },
    });
    expect(((await res.json()) as { users: unknown[] }).users).toHaveLength(12);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
