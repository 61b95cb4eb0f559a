/**
 * CPU time a process (and its child processes, for nginx's workers) has used, from /proc: lets a benchmark
 * report the server's CPU per request, a figure that depends far less on the machine's noise than
 * requests per second do. Linux only; elsewhere `undefined`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    ticksPerSecond = Number(out.stdout.trim()) || 100;
  }
  return ticksPerSecond;
}

function ownTicks(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Seconds of CPU used by `pid` and its children so far, or undefined where /proc cannot tell. */
export function cpuSeconds(pid: number): number | undefined {
  const own = ownTicks(pid);
  if (own === undefined) return undefined;
  let ticks = own;
  for (const child of childrenOf(pid)) ticks += ownTicks(child) ?? 0;
  return ticks / clockTicks();
}

/** Resident set size of `pid` in bytes (VmRSS), or undefined. */
export function rssBytes(pid: number): number | undefined {
  return statusField(pid, 'VmRSS');
}

/** Peak resident set size of `pid` in bytes (VmHWM), or undefined. */
export function peakRssBytes(pid: number): number | undefined {
  return statusField(pid, 'VmHWM');
}

function statusField(pid: number, field: string): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resets the kernel's peak RSS (VmHWM) of `pid` to its current RSS; false where not permitted. */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
