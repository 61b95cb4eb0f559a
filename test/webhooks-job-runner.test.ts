/**
 * The job runner's contract (the outbox's delivery worker and the directory sync both rely on it), on each
 * database: jobs run with their data; a throwing handler is retried; a job written in a transaction exists
 * only if it commits; singleton keys de-duplicate waiting jobs; `runAt` delays; schedules recur; a job that
 * outlives its lease is aborted and run again; and two instances on one database never run a job twice.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { jobsSchemaFor } from '../src/jobs/runner.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { startTestServer, TEST_DATABASES, type TestServer } from './support/server.ts';

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(TEST_DATABASES)('job runner on %s', (database) => {
  let server: TestServer;
  let twin: RunningServer | undefined;
  const env = {
    SWITCHBOARD_JOBS_POLL_MS: '50',
    SWITCHBOARD_JOBS_MAINTENANCE_SECONDS: '1',
    LOG_LEVEL: 'silent',
  };

  beforeAll(async () => {
    server = await startTestServer(env, database);
  });
  afterAll(async () => {
    await twin?.close();
    await server?.close();
    if (server?.schema) {
      const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
      await client.connect();
      await client.query(`drop schema if exists ${jobsSchemaFor(server.schema)} cascade`);
      await client.end();
    }
  });

  it('runs jobs with their data, retries a throwing handler, and honours runAt', async () => {
    const { jobs } = server.services;
    const runs: Array<{ n: number; attempt: number; at: number }> = [];
    jobs.define<{ n: number }>(
      'test-basic',
      async (job) => {
        runs.push({ n: job.data.n, attempt: job.attempt, at: Date.now() });
        if (job.data.n === 2 && job.attempt < 2) throw new Error('flaky');
        if (job.data.n === 3) throw new Error('always');
      },
      { concurrency: 4, retryLimit: 1, retryDelaySeconds: 1 },
    );
    const enqueuedAt = Date.now();
    const ids = [
      await jobs.enqueue('test-basic', { n: 1 }),
      await jobs.enqueue('test-basic', { n: 2 }),
      await jobs.enqueue('test-basic', { n: 3 }),
      await jobs.enqueue('test-basic', { n: 4 }, { runAt: new Date(Date.now() + 1500) }),
    ];
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    await until(
      'retries and the delayed job',
      () => runs.filter((r) => r.n === 2).length === 2 && runs.some((r) => r.n === 4),
      15_000,
    );
    await until(
      'the last retry of the failing job',
      () => runs.filter((r) => r.n === 3).length === 2,
      15_000,
    );
    expect(runs.filter((r) => r.n === 1).map((r) => r.attempt)).toEqual([1]);
    expect(runs.filter((r) => r.n === 2).map((r) => r.attempt)).toEqual([1, 2]);
    expect(runs.find((r) => r.n === 4)!.at - enqueuedAt).toBeGreaterThanOrEqual(1400);
    await sleep(1200);
    // Retries spent: the failing job is not run a third time.
    expect(runs.filter((r) => r.n === 3)).toHaveLength(2);
  }, 30_000);

  it('writes a job atomically with a transaction, and de-duplicates waiting singletons', async () => {
    const { jobs, db } = server.services;
    const seen: string[] = [];
    jobs.define<{ tag: string }>('test-atomic', async (job) => {
      seen.push(job.data.tag);
    });
    await db
      .transaction()
      .execute(async (trx) => {
        await jobs.enqueue('test-atomic', { tag: 'rolled-back' }, { db: trx });
        throw new Error('roll back');
      })
      .catch(() => {});
    await db.transaction().execute(async (trx) => {
      await jobs.enqueue('test-atomic', { tag: 'committed' }, { db: trx });
    });
    jobs.wake('test-atomic');
    await until('the committed job', () => seen.includes('committed'));

    const singles: string[] = [];
    jobs.define<{ tag: string }>(
      'test-singleton',
      async (job) => {
        singles.push(job.data.tag);
      },
      { singleton: true },
    );
    const later = new Date(Date.now() + 800);
    const first = await jobs.enqueue(
      'test-singleton',
      { tag: 'a' },
      { singletonKey: 'acct-1', runAt: later },
    );
    const duplicate = await jobs.enqueue('test-singleton', { tag: 'b' }, { singletonKey: 'acct-1' });
    const otherKey = await jobs.enqueue('test-singleton', { tag: 'c' }, { singletonKey: 'acct-2' });
    expect(first).toEqual(expect.any(String));
    expect(duplicate).toBeNull();
    expect(otherKey).toEqual(expect.any(String));
    await until('both singletons', () => singles.length === 2);
    expect(singles.sort()).toEqual(['a', 'c']);
    // Once it has started, the key is free again.
    expect(await jobs.enqueue('test-singleton', { tag: 'd' }, { singletonKey: 'acct-1' })).toEqual(
      expect.any(String),
    );
    await until('the next singleton', () => singles.includes('d'));
    await sleep(200);
    expect(seen).toEqual(['committed']);
  });

  it('runs schedules on their period until they are removed', async () => {
    const { jobs } = server.services;
    const ticks: number[] = [];
    jobs.define<{ account: string }>(
      'test-scheduled',
      async (job) => {
        ticks.push(Date.now());
        expect(job.data).toEqual({ account: 'acct-9' });
      },
      { singleton: true },
    );
    await jobs.schedule(
      'sync:acct-9',
      'test-scheduled',
      { account: 'acct-9' },
      {
        everySeconds: 1,
        firstRunAt: new Date(),
        singletonKey: 'acct-9',
      },
    );
    await until('two scheduled runs', () => ticks.length >= 2, 5_000);
    expect(await jobs.unschedule('sync:acct-9')).toBe(true);
    expect(await jobs.unschedule('sync:acct-9')).toBe(false);
    const count = ticks.length;
    await sleep(1500);
    expect(ticks.length).toBeLessThanOrEqual(count + 1);
  });

  it('aborts a job that outlives its lease and runs it again', async () => {
    const { jobs } = server.services;
    const attempts: Array<{ attempt: number; aborted: boolean }> = [];
    jobs.define(
      'test-lease',
      async (job) => {
        const entry = { attempt: job.attempt, aborted: false };
        attempts.push(entry);
        if (job.attempt > 1) return;
        // Hangs like a worker that died: only the lease gets it going again.
        await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve()));
        entry.aborted = true;
      },
      { leaseSeconds: 1, retryLimit: 3, retryDelaySeconds: 1 },
    );
    await jobs.enqueue('test-lease', {});
    await until('the second run', () => attempts.length >= 2, 10_000);
    expect(attempts[0]).toEqual({ attempt: 1, aborted: true });
    expect(attempts[1]!.attempt).toBe(2);
  }, 15_000);

  it('never runs one job on two instances sharing the database', async () => {
    twin = await startServer(
      loadConfig({
        ...env,
        PORT: '0',
        DATA_DIR: server.dataDir,
        DATABASE_URL: server.schema ? process.env['DATABASE_URL'] : undefined,
        DATABASE_SCHEMA: server.schema,
        SWITCHBOARD_ENCRYPTION_KEYS: server.services.config.encryptionKeys,
      }),
    );
    const runs = new Map<number, string[]>();
    const handler = (instance: string) => async (job: { data: { n: number } }) => {
      runs.set(job.data.n, [...(runs.get(job.data.n) ?? []), instance]);
      await sleep(5);
    };
    server.services.jobs.define('test-shared', handler('a'), { concurrency: 5 });
    twin.services.jobs.define('test-shared', handler('b'), { concurrency: 5 });
    await server.services.jobs.enqueueMany(
      'test-shared',
      Array.from({ length: 100 }, (_, n) => ({ data: { n } })),
    );
    twin.services.jobs.wake('test-shared');
    await until('all 100 jobs', () => runs.size === 100, 15_000);
    await sleep(500);
    expect([...runs.values()].every((instances) => instances.length === 1)).toBe(true);
    const byInstance = [...runs.values()].flat();
    expect(byInstance.filter((i) => i === 'a').length + byInstance.filter((i) => i === 'b').length).toBe(100);
  }, 30_000);
});
