/**
 * Runs one sync: claims the run, reads every resource page by page through the unified engine (paced like
 * any other vendor call), and after each page commits — in one transaction — the snapshot rows, the events
 * the changes produce and the checkpoint (the vendor cursor of the next page). A run that is interrupted
 * (crash, shutdown, lost lease) resumes from its last checkpoint; its events carry derived ids, so pages
 * seen again publish nothing twice. Deletions are decided only once every resource was read completely.
 *
 * Ownership: a run is held by one worker at a time through a lease on its row (`lease_owner`,
 * `lease_until`), kept alive by a heartbeat. Every write of a run is fenced by `lease_owner`, so a worker
 * that lost its lease cannot commit anything. `job_id` names the only job allowed to pick the run up; the
 * sweep (`service.ts`) hands a run whose lease expired to a new job.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Updateable } from 'kysely';
import { SwitchboardError } from '../errors.ts';
import type { EventBus } from '../events/events.ts';
import type { IntegrationDefinition } from '../integrations/types.ts';
import type { JobContext, JobLogger, JobRunner } from '../jobs/runner.ts';
import type { Db } from '../store/database.ts';
import type { Database, SyncJobRunTable, SyncRecordTable } from '../store/schema.ts';
import { type EngineCursor, fetchUnifiedPage } from '../unified/engine.ts';
import { RESOURCE_SPECS } from '../unified/models.ts';
import type { Caller, ListQuery, UnifiedRecord } from '../unified/types.ts';
import { SyncCaller } from './caller.ts';
import { canonicalJson, contentHash, derivedId, type SnapshotRecord, snapshotOf } from './canonical.ts';
import {
  createdEvents,
  deletedEvents,
  type EventMeta,
  type PlannedEvent,
  type ResourceContext,
  updatedEvents,
} from './changes.ts';
import { peopleResource } from './resources.ts';
import { type RunOptions, type RunProgress, runToJson } from './runs.ts';

export const SYNC_QUEUE = 'sync-run';
/** The job's own lease; a run hands itself over to a fresh job well before it (`sliceSeconds`, ≤ 600). */
export const SYNC_JOB_LEASE_SECONDS = 900;
/** A run resumed this many times after its worker died (it keeps crashing its process) fails. */
const MAX_CLAIMS = 10;
/** A page (or a deletion check) that fails transiently is tried again after these delays, then the run fails. */
const RETRY_DELAYS_MS = [2_000, 10_000, 30_000];
/** Records that vanished from a pass are looked up one by one (to rule out paging shifts) up to this many per run. */
export const VERIFY_LIMIT = 100;
const BATCH = 500;
const WRITE_CHUNK = 200;
/** A run waiting for its next job is handed to another one if nothing picks it up within this time. */
export const HANDOVER_GRACE_MS = 15 * 60_000;
const EMPTY_QUERY: ListQuery = { conditions: [], sort: [], remoteQuery: {} };

export interface SyncJob {
  runId: string;
}

/** The caller a run reads through, with what the events need about the account. */
export interface SyncTarget {
  caller: Caller;
  integration: IntegrationDefinition;
  tenantId: string;
}

export interface WorkerDeps {
  db: Db;
  jobs: JobRunner;
  events: EventBus;
  leaseSeconds: number;
  /** How long one job works on a run before handing it to a new job (the runner cannot extend a job's lease). */
  sliceSeconds: number;
  open(environmentId: string, accountId: string): Promise<SyncTarget>;
  logger(): JobLogger | undefined;
}

class LostLease extends Error {}
class Stopped extends Error {}
class HandOver extends Error {}

interface Attempt {
  run: SyncJobRunTable;
  owner: string;
  progress: RunProgress;
  options: RunOptions;
  resources: string[];
  signal: AbortSignal;
  began: number;
  target: SyncTarget | undefined;
  meta: EventMeta | undefined;
  mappers: Map<string, (record: unknown) => UnifiedRecord | undefined>;
}

const iso = (ms = Date.now()) => new Date(ms).toISOString();

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Vendor throttling, vendor or network failures, and database hiccups are worth another try. */
function isTransient(error: unknown): boolean {
  if (error instanceof LostLease || error instanceof Stopped || error instanceof HandOver) return false;
  if (error instanceof SwitchboardError) return error.statusCode === 429 || error.statusCode >= 500;
  return true;
}

export class RunWorker {
  readonly #d: WorkerDeps;

  constructor(deps: WorkerDeps) {
    this.#d = deps;
  }

  get #leaseMs(): number {
    return this.#d.leaseSeconds * 1000;
  }

  async execute(job: JobContext<SyncJob>): Promise<void> {
    const owner = randomUUID();
    const run = await this.#claim(job.data.runId, job.id, owner);
    if (!run) return;
    const lost = new AbortController();
    const heartbeat = setInterval(
      () => void this.#beat(run.id, owner, lost),
      Math.max(200, this.#leaseMs / 3),
    );
    const a: Attempt = {
      run,
      owner,
      progress: JSON.parse(run.progress),
      options: JSON.parse(run.options),
      resources: JSON.parse(run.resources),
      signal: AbortSignal.any([job.signal, lost.signal]),
      began: Date.now(),
      target: undefined,
      meta: undefined,
      mappers: new Map(),
    };
    try {
      if (run.attempts > MAX_CLAIMS) {
        throw new SwitchboardError(
          'INTERNAL',
          `the run was interrupted ${MAX_CLAIMS} times without finishing`,
        );
      }
      await this.#work(a);
    } catch (error) {
      if (error instanceof LostLease || lost.signal.aborted) {
        this.#d.logger()?.warn({ run: run.id }, 'sync run lost its lease; another worker carries on');
      } else if (error instanceof HandOver) {
        await this.#handOver(a).catch((e) =>
          this.#d.logger()?.warn({ err: e, run: run.id }, 'sync hand-over failed'),
        );
      } else if (job.signal.aborted || error instanceof Stopped) {
        await this.#release(a);
      } else {
        this.#d.logger()?.warn({ err: error, run: run.id }, 'sync run failed');
        await this.#fail(a, error);
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  // ── claiming and the lease ──────────────────────────────────────────────────────────────────────

  async #claim(runId: string, jobId: string, owner: string): Promise<SyncJobRunTable | undefined> {
    const { db } = this.#d;
    const row = await db.selectFrom('sync_job_runs').selectAll().where('id', '=', runId).executeTakeFirst();
    if (!row || row.job_id !== jobId || (row.status !== 'pending' && row.status !== 'running'))
      return undefined;
    const now = iso();
    const result = await db
      .updateTable('sync_job_runs')
      .set({
        status: 'running',
        lease_owner: owner,
        lease_until: iso(Date.now() + this.#leaseMs),
        attempts: row.attempts + 1,
        started_at: row.started_at ?? now,
        updated_at: now,
      })
      .where('id', '=', runId)
      .where('job_id', '=', jobId)
      .where('status', 'in', ['pending', 'running'])
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined; // someone else holds it
    return db.selectFrom('sync_job_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
  }

  async #beat(runId: string, owner: string, lost: AbortController): Promise<void> {
    try {
      const result = await this.#d.db
        .updateTable('sync_job_runs')
        .set({ lease_until: iso(Date.now() + this.#leaseMs) })
        .where('id', '=', runId)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) lost.abort(new LostLease('lease lost'));
    } catch {
      // The database is unreachable: the lease may run out, and then another worker takes over.
    }
  }

  /** Updates the run only while this attempt still owns it; otherwise nothing it did in `trx` commits. */
  async #fence(
    trx: Kysely<Database>,
    a: Attempt,
    changes: Updateable<SyncJobRunTable> & { add?: Partial<Record<Counter, number>> },
  ): Promise<void> {
    const { add, ...set } = changes;
    const result = await trx
      .updateTable('sync_job_runs')
      .set((eb) => {
        const increments: Record<string, unknown> = {};
        for (const [column, n] of Object.entries(add ?? {})) {
          if (n) increments[column] = eb(column as Counter, '+', n);
        }
        return { ...set, ...increments, updated_at: iso() } as Updateable<SyncJobRunTable>;
      })
      .where('id', '=', a.run.id)
      .where('lease_owner', '=', a.owner)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new LostLease('lease lost');
  }

  async #release(a: Attempt): Promise<void> {
    // Expired at once: the job's next run (or the sweep) resumes it from the checkpoint.
    await this.#d.db
      .updateTable('sync_job_runs')
      // A clean stop does not count as an attempt (attempts guard against runs that crash their process).
      .set({ lease_owner: null, lease_until: iso(), attempts: a.run.attempts - 1, updated_at: iso() })
      .where('id', '=', a.run.id)
      .where('lease_owner', '=', a.owner)
      .execute()
      .catch(() => {});
  }

  async #handOver(a: Attempt): Promise<void> {
    const jobId = randomUUID();
    await this.#d.db.transaction().execute(async (trx) => {
      await this.#fence(trx, a, {
        job_id: jobId,
        lease_owner: null,
        lease_until: iso(Date.now() + HANDOVER_GRACE_MS),
        attempts: a.run.attempts - 1,
        progress: JSON.stringify(a.progress),
      });
      await this.#d.jobs.enqueue<SyncJob>(SYNC_QUEUE, { runId: a.run.id }, { id: jobId, db: trx });
    });
    this.#d.jobs.wake(SYNC_QUEUE);
    this.#d.logger()?.info({ run: a.run.id, job: jobId }, 'sync run handed over to a fresh job');
  }

  #check(a: Attempt): void {
    if (a.signal.aborted)
      throw a.signal.reason instanceof LostLease ? a.signal.reason : new Stopped('stopped');
    if (Date.now() - a.began > this.#d.sliceSeconds * 1000) throw new HandOver('slice used up');
  }

  async #retrying<T>(a: Attempt, work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isTransient(error) || attempt >= RETRY_DELAYS_MS.length) throw error;
        if (a.signal.aborted) throw error;
        const retryAfter = Number(
          error instanceof SwitchboardError ? (error.extras.headers?.['retry-after'] ?? 0) : 0,
        );
        const delay = Math.max(
          RETRY_DELAYS_MS[attempt]!,
          Number.isFinite(retryAfter) ? retryAfter * 1000 : 0,
        );
        this.#d.logger()?.warn({ err: error, run: a.run.id, delay }, 'sync step failed; trying again');
        await sleep(delay, a.signal);
      }
    }
  }

  // ── the run ─────────────────────────────────────────────────────────────────────────────────────

  async #work(a: Attempt): Promise<void> {
    const target = await this.#d.open(a.run.environment_id, a.run.integrated_account_id);
    // Fresh lookup tables for this run, not the short-lived cache shared with live requests.
    a.target = { ...target, caller: new SyncCaller(target.caller) };
    a.meta = {
      integrated_account_id: a.run.integrated_account_id,
      integration: a.target.integration.name,
      tenant_id: a.target.tenantId,
      sync_job_run_id: a.run.id,
    };
    await this.#start(a);
    for (const resource of a.resources) {
      const phase = a.progress.resources[resource]!.phase;
      if (phase === 'pending' || phase === 'fetching') await this.#fetch(a, resource);
    }
    for (const resource of a.resources) {
      if (a.progress.resources[resource]!.phase === 'fetched') await this.#decideDeletions(a, resource);
    }
    await this.#complete(a);
  }

  /** First claim: decides which resources are baselines and publishes `sync_job_run:started`. */
  async #start(a: Attempt): Promise<void> {
    if (a.progress.started) return;
    const { db, events } = this.#d;
    const states = await db
      .selectFrom('sync_states')
      .select('resource')
      .where('integrated_account_id', '=', a.run.integrated_account_id)
      .execute();
    const known = new Set(states.map((s) => s.resource));
    const progress = structuredClone(a.progress);
    progress.started = true;
    for (const [resource, p] of Object.entries(progress.resources)) p.baseline = !known.has(resource);
    await db.transaction().execute(async (trx) => {
      await this.#fence(trx, a, { progress: JSON.stringify(progress) });
      const row = await trx
        .selectFrom('sync_job_runs')
        .selectAll()
        .where('id', '=', a.run.id)
        .executeTakeFirstOrThrow();
      await events.publish(a.run.environment_id, 'sync_job_run:started', runToJson(row), {
        id: derivedId(a.run.id, 'sync_job_run:started'),
        db: trx,
      });
    });
    a.progress = progress;
    events.wake();
  }

  #context(a: Attempt, resource: string): ResourceContext {
    return {
      runId: a.run.id,
      resource,
      meta: a.meta!,
      semanticUsers: resource === peopleResource(a.resources),
    };
  }

  #emits(a: Attempt, resource: string): boolean {
    return !a.progress.resources[resource]!.baseline || a.options.emit_initial;
  }

  async #mapper(a: Attempt, resource: string) {
    let map = a.mappers.get(resource);
    if (!map) {
      map = await this.#retrying(a, () => a.target!.integration.unified[resource]!.mapper(a.target!.caller));
      a.mappers.set(resource, map);
    }
    return map;
  }

  async #fetch(a: Attempt, resource: string): Promise<void> {
    const { integration, caller } = a.target!;
    const mapping = integration.unified[resource];
    const spec = RESOURCE_SPECS[resource];
    if (!mapping?.list || !spec) {
      throw new SwitchboardError('INVALID_REQUEST', `${integration.name} cannot list ${resource}`);
    }
    const pageSize = Math.min(a.options.page_size ?? mapping.list.maxPageSize, mapping.list.maxPageSize);
    const map = await this.#mapper(a, resource);
    for (;;) {
      this.#check(a);
      const p = a.progress.resources[resource]!;
      const cursor: EngineCursor | undefined = p.cursor ?? undefined;
      if (p.pages > 0 && !cursor) break; // a resumed run whose last page was read
      await this.#retrying(a, async () => {
        const page = await fetchUnifiedPage(
          caller,
          spec,
          mapping,
          integration.name,
          EMPTY_QUERY,
          pageSize,
          cursor,
          map,
        );
        await this.#commit(a, resource, page.records, (p) => {
          p.phase = page.next ? 'fetching' : 'fetched';
          p.cursor = page.next ?? null;
          p.pages += 1;
          p.fetched += page.records.length;
        });
      });
      if (a.progress.resources[resource]!.phase === 'fetched') break;
    }
  }

  /**
   * One transaction: the snapshot rows of these records, the events their changes produce, and the run's
   * progress (changed by `step`) and counts — all or nothing.
   */
  async #commit(
    a: Attempt,
    resource: string,
    records: UnifiedRecord[],
    step: (p: RunProgress['resources'][string]) => void,
  ): Promise<void> {
    const { db, events } = this.#d;
    const account = a.run.integrated_account_id;
    const byId = new Map<string, SnapshotRecord>();
    for (const record of records)
      byId.set(String(record.id), { ...snapshotOf(record), id: String(record.id) });
    const snapshots = [...byId.values()];
    const ctx = this.#context(a, resource);
    const emit = this.#emits(a, resource);
    const progress = structuredClone(a.progress);
    step(progress.resources[resource]!);
    let published = 0;
    await db.transaction().execute(async (trx) => {
      const previous = new Map<string, { hash: string; record: string }>();
      for (const ids of chunks([...byId.keys()], BATCH)) {
        const rows = await trx
          .selectFrom('sync_records')
          .select(['record_id', 'hash', 'record'])
          .where('integrated_account_id', '=', account)
          .where('resource', '=', resource)
          .where('record_id', 'in', ids)
          .execute();
        for (const row of rows) previous.set(row.record_id, row);
      }
      const now = iso();
      const writes: SyncRecordTable[] = [];
      const seen: string[] = [];
      const planned: PlannedEvent[] = [];
      let created = 0;
      let updated = 0;
      for (const snapshot of snapshots) {
        const canonical = canonicalJson(snapshot);
        const hash = contentHash(canonical);
        const before = previous.get(snapshot.id);
        if (before?.hash === hash) {
          seen.push(snapshot.id);
          continue;
        }
        writes.push({
          integrated_account_id: account,
          resource,
          record_id: snapshot.id,
          environment_id: a.run.environment_id,
          hash,
          record: canonical,
          seen_in_run: a.run.id,
          created_at: now,
          updated_at: now,
        });
        if (before) {
          updated++;
          if (emit) planned.push(...updatedEvents(ctx, JSON.parse(before.record), snapshot));
        } else {
          created++;
          if (emit) planned.push(...createdEvents(ctx, snapshot));
        }
      }
      await this.#fence(trx, a, {
        progress: JSON.stringify(progress),
        lease_until: iso(Date.now() + this.#leaseMs),
        add: {
          fetched: snapshots.length,
          created,
          updated,
          unchanged: seen.length,
          events: planned.length,
        },
      });
      for (const chunk of chunks(writes, WRITE_CHUNK)) {
        await trx
          .insertInto('sync_records')
          .values(chunk)
          .onConflict((oc) =>
            oc.columns(['integrated_account_id', 'resource', 'record_id']).doUpdateSet((eb) => ({
              hash: eb.ref('excluded.hash'),
              record: eb.ref('excluded.record'),
              seen_in_run: eb.ref('excluded.seen_in_run'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
      for (const ids of chunks(seen, BATCH)) {
        await trx
          .updateTable('sync_records')
          .set({ seen_in_run: a.run.id })
          .where('integrated_account_id', '=', account)
          .where('resource', '=', resource)
          .where('record_id', 'in', ids)
          .execute();
      }
      if (planned.length > 0) await events.publishMany(a.run.environment_id, planned, { db: trx });
      published = planned.length;
    });
    a.progress = progress;
    if (published > 0) events.wake();
  }

  /**
   * After a complete pass: records the pass did not see are deleted — once ruled out that they merely moved
   * between pages while the pass ran (looked up by id, up to VERIFY_LIMIT per run).
   */
  async #decideDeletions(a: Attempt, resource: string): Promise<void> {
    const { db, events } = this.#d;
    const { integration, caller } = a.target!;
    const mapping = integration.unified[resource]!;
    const baseline = a.progress.resources[resource]!.baseline;
    const ctx = this.#context(a, resource);
    const emit = this.#emits(a, resource);
    let verified = 0;
    for (;;) {
      this.#check(a);
      const candidates = await db
        .selectFrom('sync_records')
        .select(['record_id', 'record'])
        .where('integrated_account_id', '=', a.run.integrated_account_id)
        .where('resource', '=', resource)
        .where('seen_in_run', '!=', a.run.id)
        .orderBy('record_id')
        .limit(BATCH)
        .execute();
      if (candidates.length === 0) break;
      const found: UnifiedRecord[] = [];
      if (mapping.get && !baseline && verified < VERIFY_LIMIT) {
        const map = await this.#mapper(a, resource);
        for (const candidate of candidates.slice(0, VERIFY_LIMIT - verified)) {
          verified++;
          const vendorRecord = await this.#retrying(a, () => mapping.get!(caller, candidate.record_id));
          if (vendorRecord === undefined) continue;
          const record = map(vendorRecord);
          if (record !== undefined && String(record.id) === candidate.record_id) found.push(record);
        }
      }
      if (found.length > 0) await this.#retrying(a, () => this.#commit(a, resource, found, () => {}));
      const stillThere = new Set(found.map((r) => String(r.id)));
      const gone = candidates.filter((c) => !stillThere.has(c.record_id));
      if (gone.length === 0) continue;
      const planned = emit ? gone.flatMap((c) => deletedEvents(ctx, JSON.parse(c.record))) : [];
      await this.#retrying(a, () =>
        db.transaction().execute(async (trx) => {
          await this.#fence(trx, a, {
            lease_until: iso(Date.now() + this.#leaseMs),
            add: { deleted: gone.length, events: planned.length },
          });
          for (const ids of chunks(
            gone.map((c) => c.record_id),
            BATCH,
          )) {
            await trx
              .deleteFrom('sync_records')
              .where('integrated_account_id', '=', a.run.integrated_account_id)
              .where('resource', '=', resource)
              .where('record_id', 'in', ids)
              .where('seen_in_run', '!=', a.run.id)
              .execute();
          }
          if (planned.length > 0) await events.publishMany(a.run.environment_id, planned, { db: trx });
        }),
      );
      if (planned.length > 0) events.wake();
    }
    const progress = structuredClone(a.progress);
    progress.resources[resource]!.phase = 'done';
    await this.#d.db
      .transaction()
      .execute((trx) => this.#fence(trx, a, { progress: JSON.stringify(progress) }));
    a.progress = progress;
  }

  async #complete(a: Attempt): Promise<void> {
    const { db, events } = this.#d;
    await this.#retrying(a, () =>
      db.transaction().execute(async (trx) => {
        const now = iso();
        await this.#fence(trx, a, {
          status: 'completed',
          finished_at: now,
          lease_owner: null,
          lease_until: null,
          progress: JSON.stringify(a.progress),
        });
        for (const resource of a.resources) {
          const { count } = await trx
            .selectFrom('sync_records')
            .select((eb) => eb.fn.countAll<number>().as('count'))
            .where('integrated_account_id', '=', a.run.integrated_account_id)
            .where('resource', '=', resource)
            .executeTakeFirstOrThrow();
          const state = {
            environment_id: a.run.environment_id,
            last_run_id: a.run.id,
            last_completed_at: now,
            record_count: Number(count),
          };
          await trx
            .insertInto('sync_states')
            .values({ integrated_account_id: a.run.integrated_account_id, resource, ...state })
            .onConflict((oc) => oc.columns(['integrated_account_id', 'resource']).doUpdateSet(state))
            .execute();
        }
        const row = await trx
          .selectFrom('sync_job_runs')
          .selectAll()
          .where('id', '=', a.run.id)
          .executeTakeFirstOrThrow();
        await events.publish(a.run.environment_id, 'sync_job_run:completed', runToJson(row), {
          id: derivedId(a.run.id, 'sync_job_run:completed'),
          db: trx,
        });
      }),
    );
    events.wake();
  }

  async #fail(a: Attempt, error: unknown): Promise<void> {
    const { db, events } = this.#d;
    const detail =
      error instanceof SwitchboardError
        ? { code: error.code, message: error.message, status: error.statusCode }
        : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
    try {
      await db.transaction().execute(async (trx) => {
        const now = iso();
        const result = await trx
          .updateTable('sync_job_runs')
          .set({
            status: 'failed',
            error: JSON.stringify(detail),
            finished_at: now,
            lease_owner: null,
            lease_until: null,
            progress: JSON.stringify(a.progress),
            updated_at: now,
          })
          .where('id', '=', a.run.id)
          .where('lease_owner', '=', a.owner)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return;
        const row = await trx
          .selectFrom('sync_job_runs')
          .selectAll()
          .where('id', '=', a.run.id)
          .executeTakeFirstOrThrow();
        await events.publish(a.run.environment_id, 'sync_job_run:failed', runToJson(row), {
          id: derivedId(a.run.id, 'sync_job_run:failed'),
          db: trx,
        });
      });
      events.wake();
    } catch (e) {
      // Could not record the failure: the lease expires and the sweep resumes the run instead.
      this.#d.logger()?.error({ err: e, run: a.run.id }, 'could not record a failed sync run');
    }
  }
}

type Counter = 'fetched' | 'created' | 'updated' | 'deleted' | 'unchanged' | 'events';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Stopped('stopped'));
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(new Stopped('stopped'));
    }
    signal.addEventListener('abort', abort, { once: true });
  });
}
