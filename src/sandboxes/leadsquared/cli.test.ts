import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox leadsquared', () => {
  it('prints its URL and keys, serves LeadSquared, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        'sandbox',
        'leadsquared',
        '--port',
        '0',
        '--users',
        '50',
        '--seed',
        '3',
        '--access-key',
        'u$rcli',
        '--secret-key',
        'sekret',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m && out.includes('secret key:')) resolve(m[1]);
      });
      child.stderr.on('data', (chunk) => reject(new Error(String(chunk))));
      setTimeout(() => reject(new Error(`no banner: ${out}`)), 15_000);
    });
    expect(out).toContain('access key:  u$rcli');
    expect(out).toContain('secret key:  sekret');
    expect(out).toContain('25 calls per 5 s');
    const res = await fetch(
      `${url}/v2/UserManagement.svc/Users.Get?accessKey=${encodeURIComponent('u$rcli')}&secretKey=sekret`,
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBe(50);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
