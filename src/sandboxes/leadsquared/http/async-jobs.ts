/**
 * Asynchronous requests (sales-group AddUsers/RemoveUsers, bulk manager updates): answered at once
 * with a request id, applied after a configurable delay, and, when the caller gave a CallbackURL,
 * reported there by POST. The vendor documents neither the callback payload nor a status lookup;
 * the sandbox's are described in docs/sandbox.md (`GET /__sandbox/requests/:id`).
 */
import { formatLsqDateTime, nowSeconds } from '../data/dates.ts';

export interface JobFailure {
  Id: string;
  ErrorMessage: string;
}

export interface JobOutcome {
  successCount: number;
  failures: JobFailure[];
}

export interface AsyncRequestRecord {
  RequestId: string;
  RequestType: string;
  Status: 'Pending' | 'Completed';
  CreatedOn: string;
  CompletedOn: string | null;
  SuccessCount: number;
  FailureCount: number;
  Failures: JobFailure[];
  /** Request-specific context, e.g. the GroupId. */
  Details: Record<string, unknown>;
  CallbackURL: string | null;
  CallbackStatus: 'NotRequested' | 'Pending' | 'Delivered' | 'Failed';
  CallbackHttpStatus: number | null;
  CallbackError: string | null;
}

/** The body POSTed to a CallbackURL (the sandbox's own shape; the vendor's is undocumented). */
export function callbackPayload(record: AsyncRequestRecord): Record<string, unknown> {
  const status =
    record.FailureCount === 0 ? 'Success' : record.SuccessCount === 0 ? 'Failed' : 'PartialSuccess';
  return {
    RequestId: record.RequestId,
    RequestType: record.RequestType,
    Status: status,
    ProcessedOn: record.CompletedOn,
    SuccessCount: record.SuccessCount,
    FailureCount: record.FailureCount,
    Failures: record.Failures,
    ...record.Details,
  };
}

const MAX_RECORDS = 10_000;

export class AsyncJobs {
  delayMs: number;
  private readonly records = new Map<string, AsyncRequestRecord>();
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(delayMs: number) {
    this.delayMs = delayMs;
  }

  schedule(
    type: string,
    requestId: string,
    details: Record<string, unknown>,
    callbackUrl: string | null,
    run: () => JobOutcome,
  ): AsyncRequestRecord {
    const record: AsyncRequestRecord = {
      RequestId: requestId,
      RequestType: type,
      Status: 'Pending',
      CreatedOn: formatLsqDateTime(nowSeconds()),
      CompletedOn: null,
      SuccessCount: 0,
      FailureCount: 0,
      Failures: [],
      Details: details,
      CallbackURL: callbackUrl,
      CallbackStatus: callbackUrl ? 'Pending' : 'NotRequested',
      CallbackHttpStatus: null,
      CallbackError: null,
    };
    this.records.set(requestId, record);
    if (this.records.size > MAX_RECORDS) this.records.delete(this.records.keys().next().value as string);
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(async () => {
        this.timers.delete(timer);
        const outcome = run();
        record.Status = 'Completed';
        record.CompletedOn = formatLsqDateTime(nowSeconds());
        record.SuccessCount = outcome.successCount;
        record.FailureCount = outcome.failures.length;
        record.Failures = outcome.failures;
        if (callbackUrl && !this.closed) await this.deliver(record, callbackUrl);
        resolve();
      }, this.delayMs);
      this.timers.add(timer);
    });
    this.pending.add(done);
    done.finally(() => this.pending.delete(done));
    return record;
  }

  private async deliver(record: AsyncRequestRecord, url: string): Promise<void> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(callbackPayload(record)),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      record.CallbackHttpStatus = res.status;
      record.CallbackStatus = res.ok ? 'Delivered' : 'Failed';
    } catch (error) {
      record.CallbackStatus = 'Failed';
      record.CallbackError = error instanceof Error ? error.message : String(error);
    }
  }

  get(id: string): AsyncRequestRecord | undefined {
    return this.records.get(id) ?? this.records.get(id.toLowerCase());
  }

  /** Resolves once every scheduled request has been applied and its callback attempted. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    // Requests never applied will not resolve; forget them so settle() cannot hang.
    this.pending.clear();
  }
}
