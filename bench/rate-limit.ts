/**
 * Benchmark: rate-limit efficiency. A sandbox account limited to 25 calls per 5 s (sliding window, like
 * LeadSquared) with 50,000 users; Switchboard paces the linked account at its LeadSquared budget (25 per
 * 5 s by default). The client walks every user through the unified API with `limit=1000`, one page after
 * the other, as fast as Switchboard lets it. Reported: wall time against the physical minimum (the calls
 * the sandbox saw ÷ the allowed rate), the 429s the client saw, and what the sandbox saw: the most calls in
 * any window and the calls it refused as over the limit.
 *
 *   npx node bench/rate-limit.ts [--smoke]
 *
 * Goals: ≤ 1.1× the minimum, 0 client 429s, 0 overruns. Takes ≥ 10 s by nature (smoke: ~2 s).
 */
import { LOAD_CPU, PROXY_CPU, pinSelf } from './support/children.ts';
import { type Goal, type Log, printResult, stderrLog } from './support/goals.ts';
import { SMOKE } from './support/options.ts';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox.ts';
import { round } from './support/stats.ts';
import { type SwitchboardProcess, startSwitchboardProcess } from './support/switchboard.ts';

const SIZE = SMOKE
  ? { users: 3000, limit: { calls: 2, windowSeconds: 1 } }
  : { users: 50_000, limit: { calls: 25, windowSeconds: 5 } };
const PAGE = 1000;

export interface RateLimitResult {
  users: number;
  page_size: number;
  sandbox_limit: { calls: number; window_seconds: number };
  account_pacing: string;
  records_received: number;
  pages: number;
  upstream_calls: number;
  wall_s: number;
  /** Calls ÷ (calls allowed per second): the issue's physical minimum. */
  minimum_s: number;
  wall_vs_minimum: number;
  /** The least a sliding window allows: a full budget at once, then one more window per further budget. */
  sliding_window_floor_s: number;
  client_429s: number;
  max_calls_in_any_window: number;
  rate_limited_responses: number;
  goals: Goal[];
}

export async function runRateLimit(log: Log = stderrLog): Promise<RateLimitResult> {
  pinSelf();
  let sandbox: SandboxProcess | undefined;
  let switchboard: SwitchboardProcess | undefined;
  try {
    sandbox = await startSandboxProcess({ users: SIZE.users, rateLimit: SIZE.limit, cpu: LOAD_CPU });
    switchboard = await startSwitchboardProcess({ allowUpstream: [sandbox.url], cpu: PROXY_CPU });
    // Full run: the LeadSquared default (25 per 5 s). Smoke: the same override the sandbox has.
    const accountId = await switchboard.linkLeadSquared(
      sandbox,
      SMOKE ? { calls: SIZE.limit.calls, window_seconds: SIZE.limit.windowSeconds } : undefined,
    );
    const account = (await switchboard.request('GET', `/integrated-account/${accountId}`)).body as {
      rate_limit?: { calls: number; window_seconds: number } | null;
    };
    const pacing = account.rate_limit
      ? `${account.rate_limit.calls} calls per ${account.rate_limit.window_seconds} s (account override)`
      : "LeadSquared's default policy (25 calls per 5 s)";
    // Linking validated the keys with one (paced) call: measure the walk alone, from a clean slate.
    await sandbox.resetCounters();

    const minimumGuess = (SIZE.users / PAGE + 2) / (SIZE.limit.calls / SIZE.limit.windowSeconds);
    const deadline = performance.now() + Math.max(60_000, minimumGuess * 5_000);
    let cursor: string | null = null;
    let records = 0;
    let pages = 0;
    let client429s = 0;
    const started = performance.now();
    do {
      if (performance.now() > deadline) throw new Error('the walk did not finish in time');
      const query = `integrated_account_id=${accountId}&limit=${PAGE}${cursor ? `&next_cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await fetch(`${switchboard.url}/unified/user-directory/users?${query}`, {
        headers: switchboard.headers,
        signal: AbortSignal.timeout(120_000),
      });
      if (response.status === 429) {
        client429s++;
        const wait = Math.min(30, Number(response.headers.get('retry-after')) || 1);
        await response.arrayBuffer();
        log(`  HTTP 429 from Switchboard; retrying after ${wait} s`);
        await new Promise((r) => setTimeout(r, wait * 1000));
        continue;
      }
      const body = (await response.json()) as { result?: unknown[]; next_cursor?: string | null };
      if (!response.ok || !Array.isArray(body.result)) {
        throw new Error(`page ${pages + 1}: HTTP ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
      }
      records += body.result.length;
      pages++;
      cursor = body.next_cursor ?? null;
    } while (cursor);
    const wallS = (performance.now() - started) / 1000;

    const stats = (await sandbox.stats()).access_keys[sandbox.accessKey];
    if (!stats) throw new Error('the sandbox saw no calls for the account');
    const calls = stats.calls - stats.rate_limited_responses;
    const perSecond = SIZE.limit.calls / SIZE.limit.windowSeconds;
    const minimumS = calls / perSecond;
    const floorS = Math.floor((calls - 1) / SIZE.limit.calls) * SIZE.limit.windowSeconds;
    log(
      `rate limit: ${records} users in ${pages} pages, ${calls} upstream calls, ${round(wallS, 2)} s ` +
        `(minimum ${round(minimumS, 2)} s), ${client429s} client 429s, max ${stats.max_calls_in_any_window} ` +
        `calls in a window, ${stats.rate_limited_responses} refused by the sandbox`,
    );
    if (records !== SIZE.users) throw new Error(`the walk returned ${records} users, not ${SIZE.users}`);

    const ratio = round(wallS / minimumS, 3);
    const overruns =
      Math.max(0, stats.max_calls_in_any_window - SIZE.limit.calls) + stats.rate_limited_responses;
    const goals: Goal[] = [
      {
        benchmark: 'rate-limit efficiency',
        goal: 'wall time ≤ 1.1× the physical minimum',
        measured: `${ratio}× (${round(wallS, 2)} s for ${calls} calls; minimum ${round(minimumS, 2)} s)`,
        met: SMOKE ? null : ratio <= 1.1,
        ...(ratio > 1.1
          ? {
              note:
                `Switchboard paced ${calls} calls over ${round(wallS, 2)} s. Pacing counts each call's window from ` +
                `when the call finished (so that no network delay can make it overrun), which costs one call's ` +
                `duration per window, and the client walks one page at a time.`,
            }
          : {}),
      },
      {
        benchmark: 'rate-limit efficiency',
        goal: '0 client-visible 429s',
        measured: String(client429s),
        met: SMOKE ? null : client429s === 0,
        ...(client429s
          ? { note: 'Switchboard answered 429 when a call could not get a pacing slot in time.' }
          : {}),
      },
      {
        benchmark: 'rate-limit efficiency',
        goal: `0 overruns (at most ${SIZE.limit.calls} calls in any ${SIZE.limit.windowSeconds} s window, none refused)`,
        measured: `max ${stats.max_calls_in_any_window} in a window, ${stats.rate_limited_responses} refused`,
        met: SMOKE ? null : overruns === 0,
        ...(overruns ? { note: 'The sandbox saw more calls in a window than its limit allows.' } : {}),
      },
    ];
    return {
      users: SIZE.users,
      page_size: PAGE,
      sandbox_limit: { calls: SIZE.limit.calls, window_seconds: SIZE.limit.windowSeconds },
      account_pacing: pacing,
      records_received: records,
      pages,
      upstream_calls: calls,
      wall_s: round(wallS, 3),
      minimum_s: round(minimumS, 3),
      wall_vs_minimum: ratio,
      sliding_window_floor_s: floorS,
      client_429s: client429s,
      max_calls_in_any_window: stats.max_calls_in_any_window,
      rate_limited_responses: stats.rate_limited_responses,
      goals,
    };
  } finally {
    await switchboard?.stop();
    await sandbox?.stop();
  }
}

if (import.meta.main) printResult(await runRateLimit());
