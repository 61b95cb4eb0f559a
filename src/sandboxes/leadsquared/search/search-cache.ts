/**
 * AdvancedSearch results (matching user indices, already sorted) cached per (conditions, sort)
 * key, so paging through a million users filters and sorts once, not once per page. An entry is
 * valid only for the tenant version it was computed at; any write makes it stale.
 */

const MAX_ENTRIES = 16;

export class SearchCache {
  private readonly entries = new Map<string, { version: number; ids: Int32Array }>();

  get(key: string, version: number, compute: () => Int32Array): Int32Array {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) {
      // Re-insert to keep the map in least-recently-used order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.ids;
    }
    const ids = compute();
    this.entries.delete(key);
    this.entries.set(key, { version, ids });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    return ids;
  }

  clear(): void {
    this.entries.clear();
  }
}
