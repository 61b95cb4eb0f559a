/**
 * A `Caller` that calls the sandbox directly (no pacing, no database): lets a benchmark run Switchboard's
 * own mapping code in this process, exactly as the server runs it, to time the mapping alone.
 */
import { leadsquared } from '../../src/integrations/leadsquared/integration.ts';
import type { Caller } from '../../src/unified/types.ts';
import { sendUpstream } from '../../src/upstream/http.ts';

export function directCaller(origin: string, accessKey: string, secretKey: string): Caller {
  const memo = new Map<string, Promise<unknown>>();
  const context = { access_key: accessKey, secret_key: secretKey, api_host: origin };
  return {
    accountId: 'bench',
    writesAreSafe: false,
    trackAsync: () => Promise.reject(new Error('not used by benchmarks')),
    async call(call) {
      const response = await sendUpstream({
        ...call,
        origin,
        basePath: leadsquared.basePath,
        auth: leadsquared.authorize(context),
        timeoutMs: 30_000,
      });
      const verdict = leadsquared.detectError(response);
      if (verdict) throw new Error(`LeadSquared sandbox: ${verdict.message}`);
      return response;
    },
    memo<T>(key: string, load: () => Promise<T>): Promise<T> {
      let hit = memo.get(key) as Promise<T> | undefined;
      if (!hit) {
        hit = load();
        memo.set(key, hit);
      }
      return hit;
    },
  };
}
