/**
 * Sync is not LeadSquared-specific: over HubSpot (crm/users, the integration's only listable resource) an
 * owner added, archived and edited produce record events and the user events CRM users can carry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubSpotSandbox, startHubSpotSandbox } from '../src/sandboxes/hubspot/index.ts';
import { startTestServer, TEST_DATABASES, type TestServer } from './support/server.ts';
import { deliveredRun, finished, Receiver, summarize } from './sync-support.ts';

describe.each(TEST_DATABASES)('sync over HubSpot on %s', (database) => {
  let sandbox: HubSpotSandbox;
  let server: TestServer;
  let accountId: string;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.up();
    sandbox = await startHubSpotSandbox({ owners: 250, seed: 3, rateLimit: null });
    server = await startTestServer(
      {
        SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url,
        SWITCHBOARD_ALLOW_WEBHOOK_TARGETS: receiver.origin,
        SWITCHBOARD_JOBS_POLL_MS: '100',
        LOG_LEVEL: 'warn',
      },
      database,
    );
    const account = await server.request('POST', '/integrated-account', {
      integration: 'hubspot',
      tenant_id: 'hub',
      context: { access_token: sandbox.token, api_origin: sandbox.url },
    });
    accountId = account.body.id;
    const webhook = await server.request('POST', '/webhook', {
      target_url: `${receiver.origin}/hub`,
      event_types: ['*'],
    });
    receiver.secret = webhook.body.secret;
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
    await receiver.down();
  });

  const sync = async () => {
    const started = await server.request('POST', '/sync-job-run', { integrated_account_id: accountId });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const run = await finished((p) => server.request('GET', p), started.body.id);
    expect(run.status, JSON.stringify(run.error)).toBe('completed');
    return run;
  };

  it('reads crm/users by default and reports added, archived and edited owners', async () => {
    const baseline = await sync();
    expect(baseline).toMatchObject({ resources: ['crm/users'], counts: { events: 0 } });
    const [archived, edited] = sandbox.control.list({ archived: false });
    sandbox.control.archive(archived!.id);
    sandbox.control.update(edited!.id, { email: 'renamed@example.com' });
    const added = sandbox.control.add({ firstName: 'Grace', lastName: 'Hopper' });

    const run = await sync();
    const events = await deliveredRun(receiver, run);
    expect(summarize(events)).toEqual(
      [
        `record:created crm/users ${added.id}`,
        `user:created ${added.id}`,
        `record:updated crm/users ${archived!.id}`,
        `user:deactivated ${archived!.id}`,
        `record:updated crm/users ${edited!.id}`,
      ].sort(),
    );
    const edit = events.find((e) => e.event === 'record:updated' && e.payload.record_id === edited!.id)!;
    expect(edit.payload).toMatchObject({
      unified_model: 'crm',
      resource: 'users',
      record: { email: 'renamed@example.com' },
      previous: { email: edited!.email },
    });
    expect(edit.payload.changed_fields).toContain('email');
    expect(receiver.verificationErrors).toEqual([]);
  });
});
