/** The machine a run happened on, for the published figures. */
import os from 'node:os';
import { canPin, LOAD_CPU, PROXY_CPU } from './children.ts';

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  memory_gib: number;
  os: string;
  node: string;
  date: string;
  cpu_pinning: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    // All CPUs of the machine: availableParallelism() counts only those this (pinned) process may use.
    cores: os.cpus().length,
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    date: new Date().toISOString(),
    cpu_pinning: canPin()
      ? `server under test on CPU ${PROXY_CPU}; load generator and sandbox on CPU ${LOAD_CPU} (taskset)`
      : 'none (taskset unavailable or a single CPU): all processes share the CPUs',
  };
}
