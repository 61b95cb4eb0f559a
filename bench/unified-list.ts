/**
 * Benchmark: the unified list. `GET /unified/user-directory/users?limit=100` against the same Advanced
 * Search page fetched directly from the sandbox and through the proxy API (`/proxy/user-search?limit=100`,
 * the same vendor call without the mapping): throughput and latency at concurrency 1 and 32. Then the
 * mapping alone, in this process: Switchboard's typed mapping (`toDirectoryUser`, through the resource's
 * own `mapper`) against an equivalent JSONata expression (how Truto maps), checked to give the same records
 * first, timed per record over the same vendor records.
 *
 *   npx node bench/unified-list.ts [--smoke]
 *
 * Goal: the typed mapping ≥ 10× faster per record than JSONata.
 */
import { isDeepStrictEqual } from 'node:util';
import jsonata from 'jsonata';
import { salesGroups, teams } from '../src/integrations/leadsquared/lookups.ts';
import { ROLES } from '../src/integrations/leadsquared/role-names.ts';
import { searchBody } from '../src/integrations/leadsquared/search.ts';
import { directoryUsers } from '../src/integrations/leadsquared/users.ts';
import { LOAD_CPU, PROXY_CPU, pinSelf } from './support/children.ts';
import { directCaller } from './support/direct-caller.ts';
import { type Goal, type Log, printResult, stderrLog } from './support/goals.ts';
import { USERS_JSONATA } from './support/jsonata-users.ts';
import { checkTarget, compareTargets, type LoadFigures, type LoadTarget } from './support/load.ts';
import { ACCOUNTS, LOAD, SMOKE, UNPACED } from './support/options.ts';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox.ts';
import { median, round } from './support/stats.ts';
import { type SwitchboardProcess, startSwitchboardProcess } from './support/switchboard.ts';

const PAGE = 100;

export interface MappingFigures {
  records: number;
  equivalent: boolean;
  mismatches: number;
  typed_ns_per_record: number;
  jsonata_ns_per_record: number;
  /** JSONata's time per record ÷ the typed mapping's. */
  speedup: number;
  runs: number;
}

export interface UnifiedListResult {
  page_size: number;
  concurrency: Record<string, Record<string, LoadFigures>>;
  figures: {
    unified_vs_direct_throughput_c32: number;
    unified_vs_proxy_throughput_c32: number;
    unified_added_p50_ms_c1: number;
    /** Server CPU per unified page minus per proxied page, per record: what mapping and shaping cost in the server. */
    server_mapping_us_per_record: number | null;
  };
  mapping: MappingFigures;
  goals: Goal[];
}

/** Times `pass` (which handles `perPass` records) repeatedly for at least `ms`; ns per record. */
async function timePerRecord(pass: () => unknown, perPass: number, ms: number): Promise<number> {
  let records = 0;
  const started = performance.now();
  do {
    await pass();
    records += perPass;
  } while (performance.now() - started < ms);
  return ((performance.now() - started) * 1e6) / records;
}

export async function measureMapping(sandbox: SandboxProcess, log: Log): Promise<MappingFigures> {
  const caller = directCaller(sandbox.url, sandbox.accessKey, sandbox.secretKey);
  const count = SMOKE ? 200 : 1000;
  const response = await caller.call({
    method: 'POST',
    path: '/UserManagement.svc/User/AdvancedSearch',
    body: searchBody([], [], 1, count),
  });
  const users = (response.body as { Users: Record<string, unknown>[] }).Users;
  const pages: Record<string, unknown>[][] = [];
  for (let i = 0; i < users.length; i += PAGE) pages.push(users.slice(i, i + PAGE));

  // Switchboard's mapping exactly as the server builds it (lookups loaded once per request).
  const map = await directoryUsers.mapper(caller);
  const groups = (await salesGroups(caller)) ?? [];
  const teamList = await teams(caller);
  const bindings = {
    groupIds: Object.fromEntries(groups.map((g) => [g.Name, g.GroupId])),
    teamNames: Object.fromEntries(teamList.map((t) => [t.TeamId, t.Name])),
    roleNames: Object.fromEntries(Object.entries(ROLES).map(([id, r]) => [id, r.name])),
  };
  const expression = jsonata(USERS_JSONATA);

  // Same records out of both, as a client would receive them (JSON).
  let mismatches = 0;
  for (const page of pages) {
    const mapped = JSON.parse(
      JSON.stringify(await expression.evaluate({ Users: page }, bindings)),
    ) as unknown[];
    for (const [k, user] of page.entries()) {
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(map(user))), mapped[k])) mismatches++;
    }
  }
  if (mismatches) log(`  mapping: ${mismatches} records differ between the typed mapping and JSONata`);

  let sink = 0;
  const typedPass = () => {
    for (const user of users) sink += (map(user)!.id as string).length;
  };
  const jsonataPass = async () => {
    for (const page of pages)
      sink += ((await expression.evaluate({ Users: page }, bindings)) as unknown[]).length;
  };
  const runs = SMOKE ? 1 : 5;
  const budgetMs = SMOKE ? 50 : 1000;
  await timePerRecord(typedPass, users.length, budgetMs); // warm-up (JIT)
  await timePerRecord(jsonataPass, users.length, budgetMs);
  const typed: number[] = [];
  const viaJsonata: number[] = [];
  for (let k = 0; k < runs; k++) {
    typed.push(await timePerRecord(typedPass, users.length, budgetMs));
    viaJsonata.push(await timePerRecord(jsonataPass, users.length, budgetMs));
    log(
      `  mapping run ${k + 1}/${runs}: typed ${round(typed[k]!, 0)} ns/record, JSONata ${round(viaJsonata[k]!, 0)} ns/record`,
    );
  }
  if (sink < 0) log('unreachable'); // keeps the work observable
  const typedNs = median(typed);
  const jsonataNs = median(viaJsonata);
  return {
    records: users.length,
    equivalent: mismatches === 0,
    mismatches,
    typed_ns_per_record: Math.round(typedNs),
    jsonata_ns_per_record: Math.round(jsonataNs),
    speedup: round(jsonataNs / typedNs, 1),
    runs,
  };
}

export async function runUnifiedList(log: Log = stderrLog): Promise<UnifiedListResult> {
  pinSelf();
  let sandbox: SandboxProcess | undefined;
  let switchboard: SwitchboardProcess | undefined;
  try {
    sandbox = await startSandboxProcess({ users: SMOKE ? 500 : 5000, rateLimit: false, cpu: LOAD_CPU });
    switchboard = await startSwitchboardProcess({ allowUpstream: [sandbox.url], cpu: PROXY_CPU });
    const accountIds = await switchboard.linkManyLeadSquared(sandbox, ACCOUNTS, UNPACED);
    const targets: LoadTarget[] = [
      {
        name: 'direct',
        url: `${sandbox.url}/v2/UserManagement.svc/User/AdvancedSearch`,
        method: 'POST',
        headers: { ...sandbox.headers, 'content-type': 'application/json' },
        body: JSON.stringify(searchBody([], [], 1, PAGE)),
        cpuPid: sandbox.pid,
      },
      {
        name: 'proxy',
        url: switchboard.url,
        paths: accountIds.map((id) => `/proxy/user-search?integrated_account_id=${id}&limit=${PAGE}`),
        headers: switchboard.headers,
        cpuPid: switchboard.pid,
      },
      {
        name: 'unified',
        url: switchboard.url,
        paths: accountIds.map(
          (id) => `/unified/user-directory/users?integrated_account_id=${id}&limit=${PAGE}`,
        ),
        headers: switchboard.headers,
        cpuPid: switchboard.pid,
      },
    ];
    const [direct, , unified] = await Promise.all(targets.map((t) => checkTarget(t)));
    const directIds = (JSON.parse(direct!) as { Users: Array<{ UserId: string }> }).Users.map(
      (u) => u.UserId,
    );
    const unifiedIds = (JSON.parse(unified!) as { result: Array<{ id: string }> }).result.map((u) => u.id);
    if (!isDeepStrictEqual(directIds, unifiedIds))
      throw new Error('the unified page holds other users than the vendor page');

    const concurrency: Record<string, Record<string, LoadFigures>> = {};
    for (const connections of [1, 32]) {
      log(`unified list: concurrency ${connections}`);
      concurrency[`c${connections}`] = await compareTargets(targets, connections, LOAD, log);
    }
    log('unified list: mapping, typed vs JSONata');
    const mapping = await measureMapping(sandbox, log);

    const c1 = concurrency['c1']!;
    const c32 = concurrency['c32']!;
    const unifiedCpu = c32['unified']!.server_cpu_us_per_request;
    const proxyCpu = c32['proxy']!.server_cpu_us_per_request;
    const figures = {
      unified_vs_direct_throughput_c32: round(
        c32['unified']!.requests_per_sec / c32['direct']!.requests_per_sec,
        3,
      ),
      unified_vs_proxy_throughput_c32: round(
        c32['unified']!.requests_per_sec / c32['proxy']!.requests_per_sec,
        3,
      ),
      unified_added_p50_ms_c1: round(c1['unified']!.latency_p50_ms - c1['direct']!.latency_p50_ms, 3),
      server_mapping_us_per_record:
        unifiedCpu !== undefined && proxyCpu !== undefined ? round((unifiedCpu - proxyCpu) / PAGE, 2) : null,
    };
    const met = mapping.equivalent && mapping.speedup >= 10;
    const goal: Goal = {
      benchmark: 'unified list',
      goal: 'mapping ≥ 10× faster per record than an equivalent JSONata mapping',
      measured: `${mapping.speedup}× (${mapping.typed_ns_per_record} vs ${mapping.jsonata_ns_per_record} ns per record)`,
      met: SMOKE ? null : met,
    };
    if (!mapping.equivalent) {
      goal.note = `The JSONata expression gave different records for ${mapping.mismatches} of ${mapping.records} users, so the comparison does not hold.`;
    } else if (!met) {
      goal.note = `The typed mapping took ${mapping.typed_ns_per_record} ns per record; JSONata ${mapping.jsonata_ns_per_record} ns.`;
    }
    return { page_size: PAGE, concurrency, figures, mapping, goals: [goal] };
  } finally {
    await switchboard?.stop();
    await sandbox?.stop();
  }
}

if (import.meta.main) printResult(await runUnifiedList());
