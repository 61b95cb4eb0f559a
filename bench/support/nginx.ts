/**
 * nginx as the reference reverse proxy: Debian's package (installed with apt-get when absent, if this
 * process is root and may), one process doing the work (`master_process off`: like one Node process, and
 * nothing left behind if it is killed), keep-alive to the upstream, access log off (Switchboard runs with
 * request logging off too), config and temp files in a temp dir.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Child, spawnChild } from './children.ts';

export interface NginxAvailability {
  available: boolean;
  binary?: string;
  version?: string;
  /** What was done to get it, or why it is not there. */
  note: string;
}

function findNginx(): string | undefined {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

function versionOf(binary: string): string {
  const out = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  return (out.stderr || out.stdout).trim().replace(/^nginx version:\s*/, '');
}

/**
 * Finds nginx, or installs Debian's package when `install` is set, apt-get exists and we are root.
 * Bounded: each apt-get step gets at most `timeoutMs`.
 */
export function ensureNginx(install: boolean, timeoutMs = 240_000): NginxAvailability {
  const existing = findNginx();
  if (existing)
    return { available: true, binary: existing, version: versionOf(existing), note: 'already installed' };
  if (!install)
    return { available: false, note: 'nginx is not installed (the smoke run does not install it)' };
  if (process.getuid?.() !== 0) {
    return {
      available: false,
      note: 'nginx is not installed and this run is not root, so it cannot install it',
    };
  }
  if (spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0) {
    return { available: false, note: 'nginx is not installed and apt-get is not available to install it' };
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const aptInstall = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx'], {
      env,
      timeout: timeoutMs,
      encoding: 'utf8',
    });
  let result = aptInstall();
  if (result.status !== 0) {
    // Stale package lists are the usual cause: refresh them once and try again.
    spawnSync('apt-get', ['update'], { env, timeout: timeoutMs, encoding: 'utf8' });
    result = aptInstall();
  }
  const installed = findNginx();
  if (result.status !== 0 || !installed) {
    const why = (result.stderr || result.error?.message || '').trim().split('\n').slice(-2).join(' ');
    return { available: false, note: `apt-get install nginx failed: ${why}` };
  }
  return {
    available: true,
    binary: installed,
    version: versionOf(installed),
    note: 'installed by this run (apt-get install nginx)',
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface NginxProcess {
  url: string;
  child: Child;
  stop(): Promise<void>;
}

/** nginx in front of `upstreamOrigin` (http://host:port), listening on a free loopback port. */
export async function startNginx(
  binary: string,
  upstreamOrigin: string,
  cpu?: string,
): Promise<NginxProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-nginx-'));
  fs.chmodSync(dir, 0o755);
  const upstream = new URL(upstreamOrigin);
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
master_process off;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream sandbox {
    server ${upstream.hostname}:${upstream.port};
    keepalive 128;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://sandbox;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  let child: Child;
  try {
    const started = await spawnChild({
      name: 'nginx',
      command: binary,
      args: ['-e', `${dir}/error.log`, '-c', conf],
      cpu,
      // nginx prints nothing when it starts: it is ready when its port accepts connections.
      ready: () => canConnect(port),
      timeoutMs: 15_000,
    });
    child = started.child;
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      await child.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
