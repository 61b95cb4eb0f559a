import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadSquaredSandbox } from './start.ts';
import { type LsqClient, startTestSandbox } from './testing.ts';

const SEARCH = '/v2/UserManagement.svc/User/AdvancedSearch';

describe('HTTP conventions (reference §1.1, §1.5, §9.2-3)', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  beforeAll(async () => ({ sandbox, lsq } = await startTestSandbox({ users: 30 })));
  afterAll(() => sandbox.close());

  it('answers an unknown path with 404 and an MX body', async () => {
    const res = await lsq.get<{ Status: string }>('/v2/UserManagement.svc/NoSuchThing');
    expect(res.status).toBe(404);
    expect(res.json.Status).toBe('Error');
  });

  it('matches paths case-insensitively, as WCF routing does', async () => {
    const res = await lsq.get('/v2/usermanagement.svc/USERS.GET');
    expect(res.status).toBe(200);
  });

  it('answers a verb the endpoint does not take with 405', async () => {
    const res = await lsq.post<{ Status: string }>('/v2/UserManagement.svc/Users.Get', {});
    expect(res.status).toBe(405);
    expect(res.json.Status).toBe('Error');
  });

  it('answers malformed JSON with 400 (not 500)', async () => {
    const res = await lsq.post<{ Status: string; ExceptionType: string }>(SEARCH, '{"Paging": ');
    expect(res.status).toBe(400);
    expect(res.json.Status).toBe('Error');
    expect(res.json.ExceptionType).toMatch(/^MX/);
  });

  it('answers a non-JSON content type with 400', async () => {
    const res = await lsq.post(SEARCH, 'Paging=1', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(400);
  });

  it('sends validation errors as HTTP 500 with an MX body', async () => {
    const res = await lsq.post<Record<string, string>>('/v2/UserManagement.svc/User/Create', {
      LastName: 'x',
    });
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({
      Status: 'Error',
      ExceptionType: 'MXMandatoryAttributeMissingException',
    });
  });

  it('can send validation errors as HTTP 200 with "Status":"Error" (soft errors)', async () => {
    sandbox.control.setSettings({ softErrors: true });
    try {
      const res = await lsq.post<Record<string, string>>(SEARCH, {
        Paging: { PageIndex: 1, PageSize: 1001 },
      });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ Status: 'Error', ExceptionType: 'MXInvalidInputException' });
    } finally {
      sandbox.control.setSettings({ softErrors: false });
    }
  });

  it('serves the control API without LeadSquared auth', async () => {
    const res = await fetch(`${sandbox.url}/__sandbox`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { users: number; accounts: string[] };
    expect(body.users).toBe(30);
    expect(body.accounts).toContain(sandbox.accessKey);
  });
});
