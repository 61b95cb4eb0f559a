import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox activecampaign', () => {
  it('prints its API URL and key, serves users, and stops on SIGTERM', async () => {
    const args = [
      'sandbox',
      'activecampaign',
      '--port',
      '0',
      '--users',
      '8',
      '--account',
      'acme',
      '--token',
      'k1',
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
    expect(out).toMatch(/API URL: +https:\/\/acme\.api-us1\.com/);
    expect(out).toContain(`curl -H 'Api-Token: k1' '${url}/api/3/users?limit=2'`);
    const res = await fetch(`${url}/api/3/users?limit=100`, { headers: { 'api-token': 'k1' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { users: unknown[] }).users.length).toBeGreaterThan(2);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
