/**
 * A small per-process cache for per-account lookup tables (e.g. LeadSquared group names → ids), so that
 * mapping a page does not cost extra vendor calls every time. Bounded in size and age: entries live at
 * most `ttlMs`, so every instance converges on the vendor's truth within that time. Concurrent loads of
 * one key share a single vendor call.
 */
export class LookupCache {
  readonly #entries = new Map<string, { expires: number; value: Promise<unknown> }>();
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(ttlMs = 60_000, max = 5_000) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    const value = load();
    this.#entries.set(key, { expires: now + this.#ttlMs, value });
    // A failed load is not cached.
    value.catch(() => this.#entries.delete(key));
    return value;
  }

  /** Drops an account's entries (after a write that changes them). */
  invalidate(prefix: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }
}
