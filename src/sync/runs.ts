/**
 * Sync runs as stored (`sync_job_runs`) and as the API shows them, plus the per-resource progress a run
 * checkpoints after every page (the vendor cursor to continue from is plain JSON: `EngineCursor`).
 */
import type { SyncJobRunTable } from '../store/schema.ts';
import type { EngineCursor } from '../unified/engine.ts';

export const RUN_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunOptions {
  /** Emit `record:created` & co. for every record on a baseline (first) pass. */
  emit_initial: boolean;
  /** Records per vendor page (default: the vendor's largest page). */
  page_size: number | null;
}

export interface ResourceProgress {
  /** pending → fetching → fetched (the pass is complete) → done (deletions decided). */
  phase: 'pending' | 'fetching' | 'fetched' | 'done';
  /** The next page to read; null = the first page (or, once fetched, none left). */
  cursor: EngineCursor | null;
  pages: number;
  fetched: number;
  /** No complete pass of this resource before this run: its snapshot is built silently (unless emit_initial). */
  baseline: boolean;
}

export interface RunProgress {
  /** `sync_job_run:started` was published and baselines decided. */
  started: boolean;
  resources: Record<string, ResourceProgress>;
}

export function initialProgress(resources: string[]): RunProgress {
  return {
    started: false,
    resources: Object.fromEntries(
      resources.map((r) => [r, { phase: 'pending', cursor: null, pages: 0, fetched: 0, baseline: false }]),
    ),
  };
}

/** The API's view of a run (GET /sync-job-run/:id, and the payload of `sync_job_run:*` events). */
export function runToJson(row: SyncJobRunTable): Record<string, unknown> {
  const progress = JSON.parse(row.progress) as RunProgress;
  const options = JSON.parse(row.options) as RunOptions;
  return {
    id: row.id,
    integrated_account_id: row.integrated_account_id,
    environment_id: row.environment_id,
    status: row.status,
    triggered_by: row.triggered_by,
    resources: JSON.parse(row.resources),
    emit_initial: options.emit_initial,
    page_size: options.page_size,
    counts: {
      fetched: row.fetched,
      created: row.created,
      updated: row.updated,
      deleted: row.deleted,
      unchanged: row.unchanged,
      events: row.events,
    },
    progress: Object.fromEntries(
      Object.entries(progress.resources).map(([resource, p]) => [
        resource,
        { phase: p.phase, pages: p.pages, fetched: p.fetched, baseline: p.baseline },
      ]),
    ),
    error: row.error ? JSON.parse(row.error) : null,
    attempts: row.attempts,
    created_at: row.created_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    updated_at: row.updated_at,
  };
}
