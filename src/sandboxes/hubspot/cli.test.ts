import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox hubspot', () => {
  it('prints its URL, token and OAuth client, serves owners, and stops on SIGTERM', async () => {
    const args = [
      'sandbox',
      'hubspot',
      '--port',
      '0',
      '--owners',
      '30',
      '--token',
      'pat-na1-cli',
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
        if (m && out.includes('control:')) resolve(m[1]);
      });
      child.stderr.on('data', (chunk) => reject(new Error(String(chunk))));
      setTimeout(() => reject(new Error(`no banner: ${out}`)), 15_000);
    });
    expect(out).toMatch(/token: +pat-na1-cli/);
    expect(out).toMatch(/client id: +cid-1/);
    expect(out).toMatch(/client secret: +[0-9a-f-]{36}/);
    expect(out).toContain(`curl -H 'Authorization: Bearer pat-na1-cli' '${url}/crm/v3/owners?limit=2'`);
    const res = await fetch(`${url}/crm/v3/owners?limit=500`, {
      headers: { authorization: 'Bearer pat-na1-cli' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: unknown[] }).results.length).toBeGreaterThan(20);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
