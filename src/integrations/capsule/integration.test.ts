/**
 * Capsule's own edge cases against its emulator over real HTTP: emails read from the users' party records
 * ten at a time (Capsule users have none), a party without an address, a deleted party that makes Capsule
 * 404 the whole batch, suspended users, the docs' example users, and no vendor-side filters or sorts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type CapsuleSandbox, startCapsuleSandbox } from '../../sandboxes/capsule/index.ts';

let capsule: CapsuleSandbox;
let server: TestServer;
let account: string;

const list = (query = '') => `/unified/crm/users?integrated_account_id=${account}${query}`;
const partyCalls = () => capsule.control.stats().requests['/api/v2/parties/{ids}'] ?? 0;

beforeAll(async () => {
  capsule = await startCapsuleSandbox({ users: 60, seed: 9, rateLimit: null });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: capsule.url });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'capsule',
    tenant_id: 'acme',
    context: { access_token: capsule.token, api_origin: capsule.url },
  });
  expect(created.body.status, created.body.last_error).toBe('active');
  account = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await capsule?.close();
});

describe('Capsule crm/users', () => {
  it('takes each user’s email from its party, ten parties per call', async () => {
    const before = partyCalls();
    const page = await server.request('GET', list('&limit=30'));
    expect(page.status, page.text).toBe(200);
    expect(partyCalls() - before).toBe(3);
    const scott = page.body.result.find((r: { id: string }) => r.id === '1');
    expect(scott).toMatchObject({
      name: 'Scott Spacey',
      first_name: 'Scott',
      last_name: 'Spacey',
      email: 'scott@homestyleshop.co',
      is_active: true,
      created_at: null,
      updated_at: null,
    });
    expect(scott.remote_data).not.toHaveProperty('email');
  });

  it('gives null for a party without an address, false for a suspended user', async () => {
    const [quiet, suspended] = capsule.control.list().slice(2, 4);
    capsule.control.setEmails(quiet!.id, []);
    capsule.control.setStatus(suspended!.id, 'SUSPENDED');
    const rows = await walkPages(server, list('&limit=100'));
    expect(rows.find((r) => r.id === String(quiet!.id))?.email).toBeNull();
    expect(rows.find((r) => r.id === String(suspended!.id))?.is_active).toBe(false);
  });

  it('reads the rest of a batch one by one when Capsule 404s it for a deleted party', async () => {
    const gone = capsule.control.list()[5]!;
    capsule.control.removeParty(gone.party.id);
    const rows = await walkPages(server, list('&limit=100'));
    expect(rows).toHaveLength(capsule.control.list().length);
    expect(rows.find((r) => r.id === String(gone.id))?.email).toBeNull();
    const neighbour = capsule.control.list()[6]!;
    expect(rows.find((r) => r.id === String(neighbour.id))?.email).toBe(
      capsule.control.party(neighbour.party.id)?.emailAddresses[0]?.address,
    );
  });

  it('gets one user with its party’s email', async () => {
    const john = await server.request('GET', `/unified/crm/users/12345682?integrated_account_id=${account}`);
    expect(john.status, john.text).toBe(200);
    expect(john.body).toMatchObject({ name: 'John Spacey', email: 'john@homestyleshop.co' });
  });

  it('applies every filter itself and refuses sorts: Capsule has neither', async () => {
    const target = capsule.control.list()[10]!;
    const email = capsule.control.party(target.party.id)!.emailAddresses[0]!.address;
    const found = await server.request('GET', list(`&email=${encodeURIComponent(email)}&limit=100`));
    expect(found.body.result.map((r: { id: string }) => r.id)).toEqual([String(target.id)]);
    expect(found.headers.get('x-switchboard-filters-vendor')).toBe('');
    expect(found.headers.get('x-switchboard-filters-local')).toBe('email[eq]');
    expect((await server.request('GET', list('&sort_by=name'))).status).toBe(400);
  });
});
