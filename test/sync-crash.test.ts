/**
 * A sync survives a crash: a real `switchboard serve` process is killed (SIGKILL) in the middle of a run made
 * slow by sandbox latency; a new process on the same data resumes the run from its last checkpoint (it does
 * not read the directory again from the start), completes it, and every event of the run reaches the
 * receiver, under stable ids, with valid signatures.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { jobsSchemaFor } from '../src/jobs/runner.ts';
import { type LeadSquaredSandbox, startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { LsqClient } from '../src/sandboxes/leadsquared/testing.ts';
import { exited, serve } from './support/processes.ts';
import { TEST_DATABASES } from './support/server.ts';
import { deliveredRun, Receiver, summarize, until } from './sync-support.ts';

const UM = '/v2/UserManagement.svc';
const SEARCH = `${UM}/User/AdvancedSearch`;
const USERS = 'user-directory/users';

describe.each(TEST_DATABASES)('a sync across a crash on %s', (database) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-sync-crash-'));
  const schema = database === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const token = `sb_test_${randomBytes(24).toString('base64url')}`;
  const children: ChildProcess[] = [];
  const receiver = new Receiver();
  let sandbox: LeadSquaredSandbox | undefined;

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await receiver.down();
    await sandbox?.close();
    if (schema) {
      const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.query(`drop schema if exists ${jobsSchemaFor(schema)} cascade`);
      await client.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes the run from its checkpoint after SIGKILL and loses no event', async () => {
    await receiver.up();
    sandbox = await startLeadSquaredSandbox({ users: 2000, seed: 5, rateLimit: false });
    const lsq = new LsqClient(sandbox);
    const env: Record<string, string> = {
      PORT: '0',
      DATA_DIR: dataDir,
      SWITCHBOARD_API_TOKEN: token,
      SWITCHBOARD_ENCRYPTION_KEYS: `t1:${randomBytes(32).toString('base64')}`,
      SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url,
      SWITCHBOARD_ALLOW_WEBHOOK_TARGETS: receiver.origin,
      SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE: '300ms,300ms,300ms,300ms,300ms',
      // A delivery in flight at the kill is sent again once its lease (twice this plus 2 s) runs out.
      SWITCHBOARD_WEBHOOK_TIMEOUT_MS: '1000',
      SWITCHBOARD_JOBS_POLL_MS: '100',
      SWITCHBOARD_JOBS_MAINTENANCE_SECONDS: '1',
      // A dead worker's run is taken over 3 s after its last heartbeat; the sweep looks every second.
      SWITCHBOARD_SYNC_LEASE_SECONDS: '3',
      SWITCHBOARD_SYNC_SWEEP_SECONDS: '1',
      LOG_LEVEL: 'warn',
      ...(schema ? { DATABASE_URL: process.env['DATABASE_URL']!, DATABASE_SCHEMA: schema } : {}),
    };
    const call = async (url: string, method: string, route: string, body?: unknown) => {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      // biome-ignore lint/suspicious/noExplicitAny: test JSON
      return { status: response.status, body: (await response.json()) as any };
    };
    const runOf = async (url: string, id: string) => (await call(url, 'GET', `/sync-job-run/${id}`)).body;

    const first = await serve(env);
    children.push(first.child);
    const account = await call(first.url, 'POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'crashy',
      context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
    });
    expect(account.body.status).toBe('active');
    const webhook = await call(first.url, 'POST', '/webhook', {
      target_url: `${receiver.origin}/crash`,
      event_types: ['*'],
    });
    receiver.secret = webhook.body.secret;
    const syncUsers = () =>
      call(first.url, 'POST', '/sync-job-run', {
        integrated_account_id: account.body.id,
        resources: ['users'],
        page_size: 100,
      });

    // The baseline, then changes spread over every page of the directory.
    const baseline = await syncUsers();
    await until(
      'the baseline',
      async () => (await runOf(first.url, baseline.body.id)).status === 'completed',
    );
    const active = [...sandbox.control.users()].filter((u) => u.StatusCode === 0 && u.Role === 'Sales_User');
    const deactivated = active.filter((_, i) => i % 90 === 5).slice(0, 20);
    const promoted = active.filter((_, i) => i % 90 === 47).slice(0, 20);
    for (const user of deactivated) {
      expect(
        (await lsq.post<{ Status: string }>(`${UM}/User/Deactivate?userId=${user.UserId}`)).json.Status,
      ).toBe('Success');
    }
    for (const user of promoted) {
      const res = await lsq.post<{ Status: string }>(`${UM}/User/Update?UserId=${user.UserId}`, {
        user: { Role: 'Sales_Manager' },
      });
      expect(res.json.Status).toBe('Success');
    }
    const expected = [
      ...deactivated.flatMap((u) => [`record:updated ${USERS} ${u.UserId}`, `user:deactivated ${u.UserId}`]),
      ...promoted.flatMap((u) => [`record:updated ${USERS} ${u.UserId}`, `user:role_changed ${u.UserId}`]),
    ].sort();

    // A slow run (20 pages of 100 users, 250 ms each), killed after a few pages; faster after the restart.
    sandbox.control.setFaults([{ kind: 'latency', ms: 250, pathPrefix: SEARCH }]);
    sandbox.control.resetStats();
    const started = await syncUsers();
    expect(started.status).toBe(201);
    const runId = started.body.id;
    const before = await until(
      'a few pages checkpointed',
      async () => {
        const run = await runOf(first.url, runId);
        return run.progress[USERS].pages >= 6 && run;
      },
      20_000,
    );
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(before.status).toBe('running');
    expect(before.progress[USERS].pages).toBeLessThan(20);
    const searchesBeforeCrash = sandbox.control.stats().requests_by_path[SEARCH] ?? 0;
    sandbox.control.setFaults([{ kind: 'latency', ms: 50, pathPrefix: SEARCH }]);

    const second = await serve(env);
    children.push(second.child);
    const run = await until(
      'the run to complete after the restart',
      async () => {
        const r = await runOf(second.url, runId);
        return r.status === 'completed' && r;
      },
      30_000,
    );
    expect(run).toMatchObject({
      attempts: 2,
      progress: { [USERS]: { phase: 'done', pages: 20, fetched: 2000 } },
      counts: {
        fetched: 2000,
        updated: expected.length / 2,
        created: 0,
        deleted: 0,
        events: expected.length,
      },
    });
    // Resumed, not started over: only the page in flight at the kill was read twice.
    const searches = sandbox.control.stats().requests_by_path[SEARCH] ?? 0;
    expect(searchesBeforeCrash).toBeGreaterThanOrEqual(before.progress[USERS].pages);
    expect(searches).toBeLessThanOrEqual(21);

    // Every event, once per id, signed.
    const events = await deliveredRun(receiver, run, 20_000);
    expect(summarize(events)).toEqual(expected);
    expect(events.filter((e) => e.event === 'sync_job_run:started')).toHaveLength(1);
    expect(events.filter((e) => e.event === 'sync_job_run:completed')).toHaveLength(1);
    expect(receiver.verificationErrors).toEqual([]);
    console.log(
      `[${database}] killed after ${before.progress[USERS].pages}/20 pages; resumed and completed; ` +
        `${searches} search calls in all; ${events.length} events (${receiver.received.length} deliveries received)`,
    );

    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
  }, 60_000);
});
