/**
 * A Switchboard server in a process of its own, started the way an operator starts it
 * (`switchboard serve`, configured by environment variables): embedded SQLite in a temporary data
 * directory, rate-limit budgets in process memory, request logging off (LOG_LEVEL=warn).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Child, spawnChild } from './children.ts';
import { CLI, ROOT } from './paths.ts';
import type { SandboxProcess } from './sandbox.ts';

export interface SwitchboardProcess {
  url: string;
  token: string;
  pid: number;
  child: Child;
  /** Authorization header for the API. */
  headers: Record<string, string>;
  request(method: string, pathAndQuery: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Links the sandbox's primary account; `rateLimit` overrides the account's pacing budget. */
  linkLeadSquared(
    sandbox: SandboxProcess,
    rateLimit?: { calls: number; window_seconds: number },
  ): Promise<string>;
  /** Links `count` accounts (tenants) to the sandbox's primary account, each with the same budget. */
  linkManyLeadSquared(
    sandbox: SandboxProcess,
    count: number,
    rateLimit?: { calls: number; window_seconds: number },
  ): Promise<string[]>;
  stop(): Promise<void>;
}

export interface SwitchboardProcessOptions {
  /** Upstream origins the server may call (the sandboxes). */
  allowUpstream: string[];
  cpu?: string;
  env?: Record<string, string>;
}

export async function startSwitchboardProcess(
  options: SwitchboardProcessOptions,
): Promise<SwitchboardProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  const token = `sb_bench_${randomBytes(24).toString('base64url')}`;
  let child: Child;
  let url: string;
  try {
    const started = await spawnChild({
      name: 'switchboard',
      command: process.execPath,
      args: [CLI, 'serve'],
      cwd: ROOT,
      cpu: options.cpu,
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        // The embedded defaults, whatever the calling shell has set (CI exports both).
        DATABASE_URL: undefined,
        REDIS_URL: undefined,
        SWITCHBOARD_ENCRYPTION_KEYS: `b1:${randomBytes(32).toString('base64')}`,
        SWITCHBOARD_API_TOKEN: token,
        SWITCHBOARD_ALLOW_UPSTREAM: options.allowUpstream.join(','),
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      ready: /listening on (http:\/\/\S+)/,
    });
    child = started.child;
    url = started.match![1]!;
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const headers = { authorization: `Bearer ${token}` };

  async function request(method: string, pathAndQuery: string, body?: unknown) {
    const response = await fetch(`${url}${pathAndQuery}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: response.status, body: parsed };
  }

  const self: SwitchboardProcess = {
    url,
    token,
    pid: child.pid,
    child,
    headers,
    request,
    async linkManyLeadSquared(sandbox, count, rateLimit) {
      const ids: string[] = [];
      for (let k = 0; k < count; k++) ids.push(await self.linkLeadSquared(sandbox, rateLimit));
      return ids;
    },
    async linkLeadSquared(sandbox, rateLimit) {
      const created = await request('POST', '/integrated-account', {
        integration: 'leadsquared',
        tenant_id: `bench-${randomBytes(4).toString('hex')}`,
        context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
      });
      const account = created.body as { id?: string; status?: string };
      if (created.status !== 201 || !account.id || account.status !== 'active') {
        throw new Error(`could not link the sandbox account: ${JSON.stringify(created)}`);
      }
      if (rateLimit) {
        const patched = await request('PATCH', `/integrated-account/${account.id}`, {
          rate_limit: rateLimit,
        });
        if (patched.status !== 200) {
          throw new Error(
            `could not override the account's rate limit (PATCH rate_limit): ${JSON.stringify(patched)}`,
          );
        }
      }
      return account.id;
    },
    async stop() {
      await child.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}
