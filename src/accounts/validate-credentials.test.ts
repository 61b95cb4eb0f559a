/** The validation call over real HTTP, including one built from the account's context (HighLevel's location). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyHeader } from '../integrations/kit/auth.ts';
import { defineIntegration } from '../integrations/kit/define.ts';
import { apiKey } from '../sandboxes/kit/auth.ts';
import { type Emulator, startEmulator } from '../sandboxes/kit/emulator.ts';
import { validateCredentials } from './accounts.ts';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    name: 'Validation test',
    authenticators: [apiKey({ header: 'x-key' }, () => new Map([['good-key', 'acct']]))],
    unauthorized: () => ({ body: { message: 'bad key' } }),
    routes: (app) =>
      app.get('/users/', async (request, reply) => {
        const { locationId } = request.query as { locationId?: string };
        if (locationId !== 'loc-1') return reply.code(403).send({ message: 'no access to this location' });
        return { users: [] };
      }),
  });
});
afterAll(() => emulator.close());

const integration = defineIntegration({
  name: 'context-validated',
  label: 'Context Validated',
  category: 'crm',
  auth: [apiKeyHeader({ header: 'x-key', field: { name: 'api_key' } })],
  baseUrl: 'https://vendor.example',
  served: ['https://vendor.example'],
  validation: (context) => ({
    method: 'GET',
    path: '/users/',
    query: { locationId: String(context.location) },
  }),
  rateLimit: { calls: 10, windowSeconds: 1 },
  errors: { message: 'message' },
  resources: {},
  unified: {},
});

describe('validateCredentials', () => {
  it('builds the validation call from the account’s context', async () => {
    const ok = await validateCredentials(integration, emulator.url, {
      api_key: 'good-key',
      location: 'loc-1',
    });
    expect(ok).toEqual({ status: 'active', lastError: null });
    const other = await validateCredentials(integration, emulator.url, {
      api_key: 'good-key',
      location: 'x',
    });
    expect(other.status).toBe('validation_error');
    expect(other.lastError).toContain('no access to this location');
  });
});
