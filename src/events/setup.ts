/**
 * Builds the job runner, the event bus, the webhook service and the delivery worker from the config, so that
 * `server.ts` wires them in a few lines: `createEventServices(…)` before the app, `start(logger)` once it is
 * built, `stop()` on close (after the HTTP server, before the database).
 */
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { Keyring } from '../crypto/keyring.ts';
import { createJobRunner } from '../jobs/job-runner.ts';
import type { JobLogger, JobRunner } from '../jobs/runner.ts';
import type { Db } from '../store/database.ts';
import { DeliveryWorker } from './delivery.ts';
import { EventBus } from './events.ts';
import { Webhooks } from './webhooks.ts';

export interface EventServices {
  jobs: JobRunner;
  events: EventBus;
  webhooks: Webhooks;
  /** Starts the job runner (every queue defined so far, including the delivery worker's). */
  start(logger: JobLogger): Promise<void>;
  stop(): Promise<void>;
}

export function createEventServices(deps: {
  config: Config;
  db: Db;
  dbKind: 'sqlite' | 'postgres';
  keyring: Keyring;
  metrics: Registry;
}): EventServices {
  const { config, db, dbKind, keyring, metrics } = deps;
  const jobs = createJobRunner({
    db,
    dbKind,
    databaseUrl: config.databaseUrl,
    databaseSchema: config.databaseSchema,
    pollMs: config.jobsPollMs,
    maintenanceSeconds: config.jobsMaintenanceSeconds,
  });
  const events = new EventBus({ db, jobs });
  const worker = new DeliveryWorker({
    db,
    keyring,
    jobs,
    metrics,
    allowedTargets: config.allowedWebhookTargets,
    retryScheduleMs: config.webhookRetryScheduleMs,
    timeoutMs: config.webhookTimeoutMs,
  });
  worker.register();
  const webhooks = new Webhooks({
    db,
    keyring,
    jobs,
    events,
    allowedTargets: config.allowedWebhookTargets,
    deliveryLeaseMs: worker.leaseMs,
  });
  return {
    jobs,
    events,
    webhooks,
    async start(logger) {
      await jobs.start(logger);
      await worker.scheduleMaintenance();
    },
    stop: () => jobs.stop(),
  };
}
