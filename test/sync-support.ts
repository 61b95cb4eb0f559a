/**
 * Helpers for the sync tests: a webhook receiver on 127.0.0.1 that verifies every delivery's signatures,
 * waiting for a run to finish, and collecting the events a run published.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../src/events/signing.ts';

export interface Delivery {
  id: string;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: the parsed delivery payload
  payload: any;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** Records every delivery; `secret` (once known) is used to verify each one as it arrives. */
export class Receiver {
  readonly received: Delivery[] = [];
  readonly verificationErrors: string[] = [];
  secret: string | undefined;
  port = 0;
  #server: http.Server | undefined;

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          if (this.secret) verifyWebhook(this.secret, body, req.headers);
          else this.verificationErrors.push('no secret yet');
        } catch (error) {
          this.verificationErrors.push((error as Error).message);
        }
        const json = JSON.parse(body);
        this.received.push({
          id: json.id,
          event: json.event,
          payload: json.payload,
          body,
          headers: req.headers,
        });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Deliveries of one run, de-duplicated by event id (delivery is at least once). */
  ofRun(runId: string): Delivery[] {
    const byId = new Map<string, Delivery>();
    for (const d of this.received) {
      const payloadRun = d.event.startsWith('sync_job_run:') ? d.payload.id : d.payload.sync_job_run_id;
      if (payloadRun === runId) byId.set(d.id, d);
    }
    return [...byId.values()];
  }
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

export async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: test JSON
type Json = any;

/** Polls GET /sync-job-run/:id until the run is completed or failed. */
export async function finished(
  get: (path: string) => Promise<{ status: number; body: Json }>,
  runId: string,
  timeoutMs = 30_000,
): Promise<Json> {
  return until(
    `sync run ${runId} to finish`,
    async () => {
      const response = await get(`/sync-job-run/${runId}`);
      return (response.body.status === 'completed' || response.body.status === 'failed') && response.body;
    },
    timeoutMs,
    100,
  );
}

/** Waits until the receiver has every event the run counted, plus its started and completed events. */
export async function deliveredRun(receiver: Receiver, run: Json, timeoutMs = 20_000): Promise<Delivery[]> {
  return until(
    `the events of run ${run.id}`,
    () => {
      const events = receiver.ofRun(run.id);
      const changes = events.filter((e) => !e.event.startsWith('sync_job_run:'));
      const done = events.some((e) => e.event === `sync_job_run:${run.status}`);
      return done && changes.length >= run.counts.events && events;
    },
    timeoutMs,
  );
}

/** `event user [group]` keys, sorted: what a run told its subscribers, compactly. */
export function summarize(events: Delivery[]): string[] {
  return events
    .filter((e) => !e.event.startsWith('sync_job_run:'))
    .map((e) => {
      const p = e.payload;
      if (e.event.startsWith('record:')) return `${e.event} ${p.unified_model}/${p.resource} ${p.record_id}`;
      if (e.event.startsWith('group:')) return `${e.event} ${p.user.id} ${p.group.type}:${p.group.id}`;
      return `${e.event} ${p.user.id}`;
    })
    .sort();
}
