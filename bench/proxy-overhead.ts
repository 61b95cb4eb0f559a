/**
 * Benchmark: proxy overhead. The same LeadSquared call (`User/Retrieve/ByUserId`, rate limit off) made
 * directly to the sandbox, through nginx in front of the sandbox, and through Switchboard's proxy API
 * (`GET /proxy/users/{id}`): p50/p99 latency at concurrency 1 and 64, requests per second, and the CPU the
 * proxy spends per request. Each process has its own CPU where it matters: the proxy under test (nginx or
 * Switchboard) on one CPU, the sandbox and the load generator (this process) on the other.
 *
 *   npx node bench/proxy-overhead.ts [--smoke]
 *
 * Goals: added p50 latency ≤ 1 ms at concurrency 1; Switchboard's throughput ≥ 0.9× nginx's (c=64).
 */
import { searchBody } from '../src/integrations/leadsquared/search.ts';
import { canPin, LOAD_CPU, PROXY_CPU, pinSelf } from './support/children.ts';
import { type Goal, type Log, printResult, stderrLog } from './support/goals.ts';
import { checkTarget, compareTargets, type LoadFigures, type LoadTarget } from './support/load.ts';
import { ensureNginx, type NginxAvailability, type NginxProcess, startNginx } from './support/nginx.ts';
import { ACCOUNTS, LOAD, SMOKE, UNPACED } from './support/options.ts';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox.ts';
import { round } from './support/stats.ts';
import { type SwitchboardProcess, startSwitchboardProcess } from './support/switchboard.ts';

export interface ProxyOverheadResult {
  call: string;
  nginx: NginxAvailability;
  concurrency: Record<string, Record<string, LoadFigures>>;
  figures: {
    switchboard_added_p50_ms_c1: number;
    switchboard_added_p99_ms_c1: number;
    nginx_added_p50_ms_c1: number | null;
    switchboard_vs_nginx_throughput_c64: number | null;
    switchboard_vs_direct_throughput_c64: number;
    nginx_vs_direct_throughput_c64: number | null;
    switchboard_cpu_us_per_request_c64: number | null;
    nginx_cpu_us_per_request_c64: number | null;
    /** Throughput with every call on one account ÷ spread over ACCOUNTS accounts (c=64). */
    one_account_vs_spread_throughput_c64: number;
  };
  goals: Goal[];
}

export async function runProxyOverhead(log: Log = stderrLog): Promise<ProxyOverheadResult> {
  pinSelf();
  const nginxInfo = ensureNginx(!SMOKE);
  log(
    `proxy overhead: nginx ${nginxInfo.available ? `${nginxInfo.version} (${nginxInfo.note})` : `skipped: ${nginxInfo.note}`}`,
  );
  let sandbox: SandboxProcess | undefined;
  let switchboard: SwitchboardProcess | undefined;
  let nginx: NginxProcess | undefined;
  try {
    sandbox = await startSandboxProcess({ users: SMOKE ? 500 : 5000, rateLimit: false, cpu: LOAD_CPU });
    switchboard = await startSwitchboardProcess({ allowUpstream: [sandbox.url], cpu: PROXY_CPU });
    const accountIds = await switchboard.linkManyLeadSquared(sandbox, ACCOUNTS, UNPACED);
    if (nginxInfo.available) nginx = await startNginx(nginxInfo.binary!, sandbox.url, PROXY_CPU);

    // An active user (LeadSquared's by-id lookup answers [] for inactive ones).
    const found = await checkTarget({
      name: 'pick a user',
      url: `${sandbox.url}/v2/UserManagement.svc/User/AdvancedSearch`,
      method: 'POST',
      headers: sandbox.headers,
      body: JSON.stringify(
        searchBody([{ LookupName: 'StatusCode', Operator: 'eq', LookupValue: '0' }], [], 1, 1),
      ),
    });
    const userId = (JSON.parse(found) as { Users: Array<{ UserId: string }> }).Users[0]!.UserId;
    const vendorPath = `/v2/UserManagement.svc/User/Retrieve/ByUserId?userId=${userId}`;
    const targets: LoadTarget[] = [
      { name: 'direct', url: `${sandbox.url}${vendorPath}`, headers: sandbox.headers, cpuPid: sandbox.pid },
      ...(nginx
        ? [
            {
              name: 'nginx',
              url: `${nginx.url}${vendorPath}`,
              headers: sandbox.headers,
              cpuPid: nginx.child.pid,
            },
          ]
        : []),
      {
        name: 'switchboard',
        url: switchboard.url,
        paths: accountIds.map((id) => `/proxy/users/${userId}?integrated_account_id=${id}`),
        headers: switchboard.headers,
        cpuPid: switchboard.pid,
      },
      {
        // The same calls all on one account: shows what the pacing store costs as one account's window fills.
        name: 'switchboard_one_account',
        url: `${switchboard.url}/proxy/users/${userId}?integrated_account_id=${accountIds[0]}`,
        headers: switchboard.headers,
        cpuPid: switchboard.pid,
      },
    ];
    // Every path answers the same record (Switchboard unwraps LeadSquared's one-element array).
    const bodies = await Promise.all(targets.map((t) => checkTarget(t)));
    const direct = JSON.stringify((JSON.parse(bodies[0]!) as unknown[])[0]);
    for (const [k, body] of bodies.entries()) {
      const parsed = JSON.parse(body) as unknown;
      const record = JSON.stringify(Array.isArray(parsed) ? parsed[0] : parsed);
      if (record !== direct) throw new Error(`${targets[k]!.name} answered another record than the sandbox`);
    }

    const concurrency: Record<string, Record<string, LoadFigures>> = {};
    for (const connections of [1, 64]) {
      log(`proxy overhead: concurrency ${connections}`);
      concurrency[`c${connections}`] = await compareTargets(targets, connections, LOAD, log);
    }
    const c1 = concurrency['c1']!;
    const c64 = concurrency['c64']!;
    const figures = {
      switchboard_added_p50_ms_c1: round(c1['switchboard']!.latency_p50_ms - c1['direct']!.latency_p50_ms, 3),
      switchboard_added_p99_ms_c1: round(c1['switchboard']!.latency_p99_ms - c1['direct']!.latency_p99_ms, 3),
      nginx_added_p50_ms_c1: c1['nginx']
        ? round(c1['nginx'].latency_p50_ms - c1['direct']!.latency_p50_ms, 3)
        : null,
      switchboard_vs_nginx_throughput_c64: c64['nginx']
        ? round(c64['switchboard']!.requests_per_sec / c64['nginx'].requests_per_sec, 3)
        : null,
      switchboard_vs_direct_throughput_c64: round(
        c64['switchboard']!.requests_per_sec / c64['direct']!.requests_per_sec,
        3,
      ),
      nginx_vs_direct_throughput_c64: c64['nginx']
        ? round(c64['nginx'].requests_per_sec / c64['direct']!.requests_per_sec, 3)
        : null,
      switchboard_cpu_us_per_request_c64: c64['switchboard']!.server_cpu_us_per_request ?? null,
      nginx_cpu_us_per_request_c64: c64['nginx']?.server_cpu_us_per_request ?? null,
      one_account_vs_spread_throughput_c64: round(
        c64['switchboard_one_account']!.requests_per_sec / c64['switchboard']!.requests_per_sec,
        3,
      ),
    };
    return {
      call:
        `GET User/Retrieve/ByUserId (one user, ~1.5 KB of JSON); Switchboard: GET /proxy/users/{id} ` +
        `spread over ${ACCOUNTS} linked accounts, each with its budget lifted to ${UNPACED.calls} calls per ${UNPACED.window_seconds} s`,
      nginx: nginxInfo,
      concurrency,
      figures,
      goals: proxyGoals(figures, concurrency, nginxInfo),
    };
  } finally {
    await nginx?.stop();
    await switchboard?.stop();
    await sandbox?.stop();
  }
}

function proxyGoals(
  f: ProxyOverheadResult['figures'],
  concurrency: ProxyOverheadResult['concurrency'],
  nginxInfo: NginxAvailability,
): Goal[] {
  const c64 = concurrency['c64']!;
  const latencyMet = f.switchboard_added_p50_ms_c1 <= 1;
  const latency: Goal = {
    benchmark: 'proxy overhead',
    goal: 'added p50 latency at concurrency 1 ≤ 1 ms',
    measured: `${f.switchboard_added_p50_ms_c1} ms`,
    met: SMOKE ? null : latencyMet,
  };
  if (!latencyMet) {
    latency.note =
      `A proxied call costs a second loopback hop plus Switchboard's own work: token check (cached), the ` +
      `account read from the database and its credentials decrypted (every request), a pacing slot taken and ` +
      `released, the vendor's JSON parsed and serialised again.` +
      (f.nginx_added_p50_ms_c1 !== null ? ` nginx's hop alone adds ${f.nginx_added_p50_ms_c1} ms.` : '');
  }
  const throughput: Goal = {
    benchmark: 'proxy overhead',
    goal: "Switchboard's proxy throughput ≥ 0.9× nginx's (c=64)",
    measured:
      f.switchboard_vs_nginx_throughput_c64 === null
        ? 'not measured'
        : `${f.switchboard_vs_nginx_throughput_c64}× (${c64['switchboard']!.requests_per_sec} vs ${c64['nginx']!.requests_per_sec} req/s)`,
    met:
      f.switchboard_vs_nginx_throughput_c64 === null || SMOKE
        ? null
        : f.switchboard_vs_nginx_throughput_c64 >= 0.9,
  };
  if (f.switchboard_vs_nginx_throughput_c64 === null) {
    throughput.note = `nginx was not available, so this comparison was skipped: ${nginxInfo.note}.`;
  } else if (f.switchboard_vs_nginx_throughput_c64 < 0.9) {
    const sbCpu = f.switchboard_cpu_us_per_request_c64;
    const ngCpu = f.nginx_cpu_us_per_request_c64;
    throughput.note =
      (canPin() ? 'Each proxy runs on one CPU of its own. ' : '') +
      (sbCpu !== null && ngCpu !== null
        ? `Switchboard spends ${sbCpu} µs of CPU per request against nginx's ${ngCpu} µs (${round(sbCpu / ngCpu, 1)}×), so its CPU ` +
          `saturates first. `
        : '') +
      `nginx relays bytes; Switchboard, in one JavaScript thread, authenticates the client, loads and decrypts ` +
      `the account, paces the call, and parses and re-serialises the vendor's JSON (see "What the figures say").` +
      (f.nginx_vs_direct_throughput_c64 !== null && f.nginx_vs_direct_throughput_c64 > 0.95
        ? ` nginx is itself held back by the sandbox (${f.nginx_vs_direct_throughput_c64}× the direct rate), so its figure is a floor.`
        : '');
  }
  return [latency, throughput];
}

if (import.meta.main) printResult(await runProxyOverhead());
