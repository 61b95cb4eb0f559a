/**
 * Query cursors (query locators), as the REST Query resource keeps them
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm): the result
 * is fixed when the query runs and handed out in batches; `nextRecordsUrl` is
 * `/services/data/vXX.X/query/<locator>-<offset>`. The batch size comes from `Sforce-Query-Options:
 * batchSize=N` (200–2,000, default 2,000; other sizes are brought into that range). A cursor lives 15
 * minutes after its last use; a user keeps at most 10 open, opening an eleventh closes the oldest; a
 * finished cursor is closed. Anything else presented as a locator is `INVALID_QUERY_LOCATOR`.
 */
import { randomBytes } from 'node:crypto';

export const MIN_BATCH = 200;
export const MAX_BATCH = 2000;
const IDLE_MS = 15 * 60_000;
const PER_USER = 10;

interface Cursor {
  owner: string;
  rows: Record<string, unknown>[];
  batch: number;
  lastUsed: number;
  /** Offsets handed out in `nextRecordsUrl`s (a client may fetch one again, e.g. after a dropped reply). */
  offsets: Set<number>;
}

export interface Batch {
  totalSize: number;
  done: boolean;
  records: Record<string, unknown>[];
  /** The next batch's locator (`<id>-<offset>`), when not done. */
  next?: string;
}

/** `Sforce-Query-Options: batchSize=N` → the batch size Salesforce uses. */
export function batchSizeOf(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /batchSize\s*=\s*(\d+)/i.exec(value ?? '');
  if (!match) return MAX_BATCH;
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, Number(match[1])));
}

export class Cursors {
  readonly #cursors = new Map<string, Cursor>();

  /** Opens a cursor over a query's rows and returns its first batch. */
  open(owner: string, rows: Record<string, unknown>[], batch: number, now = Date.now()): Batch {
    this.#expire(now);
    if (rows.length <= batch) return { totalSize: rows.length, done: true, records: rows };
    const mine = [...this.#cursors.entries()].filter(([, c]) => c.owner === owner);
    if (mine.length >= PER_USER) {
      const oldest = mine.sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0]!;
      this.#cursors.delete(oldest[0]);
    }
    const id = `01g5g${randomBytes(8).toString('hex').slice(0, 10).toUpperCase()}`;
    this.#cursors.set(id, { owner, rows, batch, lastUsed: now, offsets: new Set([batch]) });
    return { totalSize: rows.length, done: false, records: rows.slice(0, batch), next: `${id}-${batch}` };
  }

  /** The batch at `<id>-<offset>`, or undefined when the locator is not a live one of this user's. */
  more(owner: string, locator: string, now = Date.now()): Batch | undefined {
    this.#expire(now);
    const match = /^(01g[A-Za-z0-9]{12})-(\d+)$/.exec(locator);
    if (!match) return undefined;
    const cursor = this.#cursors.get(match[1]!);
    const offset = Number(match[2]);
    if (!cursor || cursor.owner !== owner || !cursor.offsets.has(offset)) return undefined;
    cursor.lastUsed = now;
    const end = offset + cursor.batch;
    const records = cursor.rows.slice(offset, end);
    if (end >= cursor.rows.length) {
      this.#cursors.delete(match[1]!);
      return { totalSize: cursor.rows.length, done: true, records };
    }
    cursor.offsets.add(end);
    return { totalSize: cursor.rows.length, done: false, records, next: `${match[1]}-${end}` };
  }

  /** Open cursors (for tests). */
  get size(): number {
    return this.#cursors.size;
  }

  #expire(now: number): void {
    for (const [id, cursor] of this.#cursors) if (now - cursor.lastUsed > IDLE_MS) this.#cursors.delete(id);
  }
}
