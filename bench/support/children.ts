/**
 * Child processes for the servers under test (Switchboard, the sandbox, nginx), so that the load generator
 * (this process) does not share their event loop. Each child can be pinned to a CPU with `taskset`; every
 * child is stopped when this process exits, however it exits.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import os from 'node:os';

export interface Child {
  readonly pid: number;
  readonly name: string;
  /** Everything the child printed so far (stdout and stderr, capped). */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const proc of running) proc.kill('SIGKILL');
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

let tasksetAvailable: boolean | undefined;

/** CPU pinning is used when `taskset` works and the machine has at least two CPUs. */
export function canPin(): boolean {
  if (tasksetAvailable === undefined) {
    tasksetAvailable =
      os.cpus().length >= 2 && spawnSync('taskset', ['-p', String(process.pid)]).status === 0;
  }
  return tasksetAvailable;
}

/** The CPU the servers under test (Switchboard or nginx) get to themselves. */
export const PROXY_CPU = '1';
/** The CPU shared by the load generator (this process) and the upstream sandbox. */
export const LOAD_CPU = '0';

/** Pins this process (the load generator) to LOAD_CPU, when pinning is available. */
export function pinSelf(): boolean {
  if (!canPin()) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', LOAD_CPU, String(process.pid)]).status === 0;
}

const MAX_OUTPUT = 64 * 1024;

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Pin to this CPU list (taskset -c) when pinning is available. */
  cpu?: string;
  /** Ready when the output matches (the match is returned), or when the probe answers true (polled). */
  ready: RegExp | (() => Promise<boolean>);
  /** Fails the start after this long (default 60 s). */
  timeoutMs?: number;
}

export async function spawnChild(
  options: SpawnOptions,
): Promise<{ child: Child; match: RegExpExecArray | undefined }> {
  hookExit();
  const pin = options.cpu !== undefined && canPin();
  const command = pin ? 'taskset' : options.command;
  const args = pin ? ['-c', options.cpu!, options.command, ...options.args] : options.args;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...options.env })) if (v !== undefined) env[k] = v;
  const proc = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let text = '';
  const append = (chunk: Buffer) => {
    if (text.length < MAX_OUTPUT) text += chunk.toString();
  };
  proc.stdout!.on('data', append);
  proc.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.once('exit', () => running.delete(proc));

  const child: Child = {
    pid: proc.pid ?? -1,
    name: options.name,
    output: () => text,
    async stop(graceMs = 5000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };

  const timeoutMs = options.timeoutMs ?? 60_000;
  const { ready } = options;
  const match = await new Promise<RegExpExecArray | undefined>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${options.name} did not start within ${timeoutMs} ms:\n${text}`));
    }, timeoutMs);
    const check = () => {
      if (done || typeof ready === 'function') return;
      const m = ready.exec(text);
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const probe = async () => {
      while (!done) {
        if (await (ready as () => Promise<boolean>)().catch(() => false)) {
          if (!done) {
            cleanup();
            resolve(undefined);
          }
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`${options.name} exited (${signal ?? code}) before it was ready:\n${text}`));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new Error(`${options.name} could not start: ${error.message}`));
    };
    function cleanup() {
      done = true;
      clearTimeout(timer);
      proc.stdout!.off('data', check);
      proc.stderr!.off('data', check);
      proc.off('exit', onExit);
      proc.off('error', onError);
    }
    proc.stdout!.on('data', check);
    proc.stderr!.on('data', check);
    proc.once('exit', onExit);
    proc.once('error', onError);
    if (typeof ready === 'function') void probe();
    else check();
  }).catch(async (error) => {
    await child.stop(1000);
    throw error;
  });
  return { child, match };
}
