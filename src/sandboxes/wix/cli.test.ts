import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

describe('switchboard sandbox wix', () => {
  it('prints its app, instance and API key, mints a token with JSON, serves contributors, stops on SIGTERM', async () => {
    const args = ['sandbox', 'wix', '--port', '0', '--contributors', '12', '--client-id', 'wix-app'];
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
    expect(out).toMatch(/app id: +wix-app/);
    const field = (name: string) => new RegExp(`${name}: +(\\S+)`).exec(out)?.[1];
    const token = await fetch(`${url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'wix-app',
        client_secret: field('app secret'),
        instance_id: field('instance id'),
      }),
    });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const res = await fetch(`${url}/roles-management/v2/contributors/query`, {
      headers: { authorization: access_token },
    });
    expect(((await res.json()) as { contributors: unknown[] }).contributors).toHaveLength(12);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
