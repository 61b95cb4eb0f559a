/**
 * The caller a sync run reads through: every vendor call goes to the account's own caller (`openCaller`), so
 * it is paced by the account's limiter like any other call; lookup tables (e.g. LeadSquared teams and sales
 * groups) are loaded once per run instead of coming from the short-lived cache shared with live requests, so
 * a run maps every page against the same, fresh tables.
 */

import type { Caller } from '../unified/types.ts';
import type { UpstreamCall, UpstreamResponse } from '../upstream/types.ts';

export class SyncCaller implements Caller {
  readonly #inner: Caller;
  readonly #memo = new Map<string, Promise<unknown>>();
  readonly writesAreSafe = false;

  constructor(inner: Caller) {
    this.#inner = inner;
  }

  get accountId(): string {
    return this.#inner.accountId;
  }

  call(
    call: UpstreamCall,
    options?: { safe?: boolean; optionalFeature?: boolean },
  ): Promise<UpstreamResponse> {
    return this.#inner.call(call, options);
  }

  async trackAsync(): Promise<{ id: string; callbackUrl: string }> {
    throw new Error('a sync run only reads');
  }

  contextValue(name: string): string | undefined {
    return this.#inner.contextValue?.(name);
  }

  memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#memo.get(key);
    if (hit) return hit as Promise<T>;
    const value = load();
    this.#memo.set(key, value);
    value.catch(() => this.#memo.delete(key));
    return value;
  }
}
