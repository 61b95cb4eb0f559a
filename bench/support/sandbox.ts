/**
 * The LeadSquared sandbox in a process of its own (`switchboard sandbox leadsquared`), as benchmarks need
 * it: an upstream that does not share a CPU or an event loop with the server under test.
 */
import type { StatsSnapshot } from '../../src/sandboxes/leadsquared/index.ts';
import { type Child, spawnChild } from './children.ts';
import { CLI, ROOT } from './paths.ts';

export interface SandboxProcess {
  url: string;
  accessKey: string;
  secretKey: string;
  pid: number;
  child: Child;
  /** The LeadSquared auth headers of the primary account. */
  headers: Record<string, string>;
  stats(): Promise<StatsSnapshot>;
  /** Forgets earlier calls: the rate limiter's windows and the stats. */
  resetCounters(): Promise<void>;
  stop(): Promise<void>;
}

export interface SandboxProcessOptions {
  users: number;
  /** `false` turns the rate limit off. */
  rateLimit: false | { calls: number; windowSeconds: number };
  cpu?: string;
}

async function control(url: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}/__sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok)
    throw new Error(`sandbox control ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

export async function startSandboxProcess(options: SandboxProcessOptions): Promise<SandboxProcess> {
  const limit = options.rateLimit;
  const { child, match } = await spawnChild({
    name: 'sandbox',
    command: process.execPath,
    args: [
      CLI,
      'sandbox',
      'leadsquared',
      '--port',
      '0',
      '--users',
      String(options.users),
      '--rate-limit',
      limit ? String(limit.calls) : '0',
      ...(limit ? ['--rate-limit-window', String(limit.windowSeconds)] : []),
    ],
    cwd: ROOT,
    cpu: options.cpu,
    ready: /listening on (http:\/\/\S+)[\s\S]*access key:\s+(\S+)[\s\S]*secret key:\s+(\S+)/,
  });
  const [, url, accessKey, secretKey] = match as unknown as [string, string, string, string];
  const rateLimit = limit ? { calls: limit.calls, windowSeconds: limit.windowSeconds } : { calls: 0 };
  return {
    url,
    accessKey,
    secretKey,
    pid: child.pid,
    child,
    headers: { 'x-LSQ-AccessKey': accessKey, 'x-LSQ-SecretKey': secretKey },
    stats: () => control(url, 'GET', '/stats') as Promise<StatsSnapshot>,
    async resetCounters() {
      await control(url, 'POST', '/rate-limit', rateLimit);
      await control(url, 'POST', '/reset-stats');
    },
    stop: () => child.stop(),
  };
}
