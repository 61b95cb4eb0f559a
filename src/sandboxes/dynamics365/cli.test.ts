import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox dynamics365', () => {
  it('prints its URL, environment and a token, serves systemusers, and stops on SIGTERM', async () => {
    const args = [
      'sandbox',
      'dynamics365',
      '--port',
      '0',
      '--users',
      '12',
      '--org-url',
      'https://fabrikam.crm4.dynamics.com',
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
    expect(out).toMatch(/environment: +https:\/\/fabrikam\.crm4\.dynamics\.com/);
    const token = /access token: +(\S+)/.exec(out)![1]!;
    const res = await fetch(`${url}/api/data/v9.2/systemusers?$select=fullname`, {
      headers: { authorization: `Bearer ${token}`, prefer: 'odata.maxpagesize=5' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { value: unknown[] }).value).toHaveLength(5);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
