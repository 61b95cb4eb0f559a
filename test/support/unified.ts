import { expect } from 'vitest';
import type { TestServer } from './server.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON records the server answered
type AnyRecord = Record<string, any>;

/**
 * Follows next_cursor to the end and returns every record (fails the test on any non-200 page, or on a page
 * larger than the path's `limit`).
 */
export async function walkPages(
  server: TestServer,
  firstPath: string,
  maxPages = 10_000,
): Promise<AnyRecord[]> {
  const records: AnyRecord[] = [];
  const limit = Number(new URL(firstPath, 'http://x').searchParams.get('limit') ?? Number.POSITIVE_INFINITY);
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const path: string = cursor ? `${firstPath}&next_cursor=${encodeURIComponent(cursor)}` : firstPath;
    const response = await server.request('GET', path);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.result.length, 'a page holds at most `limit` records').toBeLessThanOrEqual(limit);
    records.push(...response.body.result);
    cursor = response.body.next_cursor;
    if (!cursor) return records;
  }
  throw new Error(`more than ${maxPages} pages`);
}
