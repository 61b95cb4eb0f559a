import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox pipeliner', () => {
  it('prints its space and API keys, serves Clients under the space, and stops on SIGTERM', async () => {
    const args = [
      'sandbox',
      'pipeliner',
      '--port',
      '0',
      '--users',
      '30',
      '--space',
      'fr_Cli',
      '--token',
      'u1:p1',
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
    expect(out).toMatch(/space id: +fr_Cli/);
    expect(out).toContain(`curl -u 'u1:p1' '${url}/api/v100/rest/spaces/fr_Cli/entities/Clients?first=2'`);
    const res = await fetch(`${url}/api/v100/rest/spaces/fr_Cli/entities/Clients?first=100`, {
      headers: { authorization: `Basic ${Buffer.from('u1:p1').toString('base64')}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data.length).toBeGreaterThan(20);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
