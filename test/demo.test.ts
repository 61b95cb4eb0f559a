/**
 * `switchboard demo --crm pipedrive,accelo` as a new user runs it: the server, the LeadSquared demo account,
 * and two CRM emulators with a link URL each. Each CRM is then linked through the connect endpoints (OAuth:
 * the emulator's consent page answered over HTTP, as the browser tests do with a real browser) and its
 * users read through the unified API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize } from '../src/sandboxes/kit/testing.ts';
import { exited } from './support/processes.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-demo-'));

describe('the demo with CRM sandboxes', () => {
  let child: ChildProcess;
  let output = '';
  let serverUrl: string;
  let apiToken: string;

  beforeAll(async () => {
    child = spawn(
      process.execPath,
      ['src/cli.ts', 'demo', '--sandbox-port', '0', '--users', '60', '--crm', 'pipedrive,accelo'],
      {
        env: {
          ...process.env,
          DATA_DIR: dataDir,
          DATABASE_URL: '',
          REDIS_URL: '',
          SWITCHBOARD_API_TOKEN: '',
          PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no demo banner: ${output}`)), 30_000);
      const read = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('Once linked:')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => reject(new Error(`the demo exited (${code}): ${output}`)));
    });
    serverUrl = /Switchboard is listening on (\S+)/.exec(output)![1]!;
    apiToken = /API token: (sb_demo_\S+)/.exec(output)![1]!;
  }, 40_000);
  afterAll(async () => {
    child?.kill('SIGTERM');
    if (child) await exited(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const linkTokenOf = (name: string) => {
    const section = output.slice(output.indexOf(`${name} sandbox:`));
    return /link_token=(lt_[\w-]+)/.exec(section)![1]!;
  };
  const api = async (method: string, pathname: string, token: string, body?: unknown) => {
    const response = await fetch(`${serverUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: whatever JSON the server answered
    return { status: response.status, body: (await response.json()) as any };
  };

  async function linkByOAuth(name: string, integration: string, context: Record<string, string> = {}) {
    const started = await api('POST', '/connect/oauth/start', linkTokenOf(name), { integration, context });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const back = await authorize(started.body.authorize_url, 'allow');
    const callback = await fetch(back, { redirect: 'manual' });
    const handle = new URLSearchParams(callback.headers.get('location')!.split('#')[1]).get('oauth_result')!;
    const result = await api('GET', '/connect/oauth/result', handle);
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    return result.body.integrated_account_id as string;
  }

  it('links the LeadSquared demo account and prints a link URL for each CRM', () => {
    expect(output).toMatch(/Demo account: \S+ \(status active\)/);
    expect(output).toContain('Pipedrive sandbox: http://127.0.0.1:');
    expect(output).toContain('Accelo sandbox: http://127.0.0.1:');
  });

  it('links Pipedrive and Accelo through their consent pages and reads their users', async () => {
    const accounts = [
      await linkByOAuth('Pipedrive', 'pipedrive'),
      await linkByOAuth('Accelo', 'accelo', { deployment: 'planet-express' }),
    ];
    for (const id of accounts) {
      const users = await api('GET', `/unified/crm/users?integrated_account_id=${id}&limit=5`, apiToken);
      expect(users.status, JSON.stringify(users.body)).toBe(200);
      expect(users.body.result).toHaveLength(5);
    }
  });

  it('refuses a sandbox that does not exist, naming the ones that do', async () => {
    const wrong = spawn(process.execPath, ['src/cli.ts', 'demo', '--crm', 'notacrm'], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    wrong.stderr!.on('data', (chunk) => {
      text += chunk;
    });
    expect(await exited(wrong)).not.toBe(0);
    expect(text).toContain('--crm notacrm: not a CRM sandbox; one of');
    expect(text).toContain('pipedrive');
  });
});
