/** Shared by the resilience and scale-out tests: linking a LeadSquared sandbox account and reading its stats. */
import { expect } from 'vitest';
import type { AccessKeyStats, LeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server answered
export type Json = any;

export const SEARCH_PATH = '/v2/UserManagement.svc/User/AdvancedSearch';

interface Requester {
  request(
    method: string,
    pathAndQuery: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: Json; text: string }>;
}

/**
 * Links the sandbox's primary account and sets its budget. The sandbox's own limit is set afterwards
 * (which also forgets the unpaced validation call made when the account was created).
 */
export async function linkLeadSquared(
  server: Requester,
  sandbox: LeadSquaredSandbox,
  limit: { calls: number; windowSeconds: number; http200?: boolean },
  accountLimit: { calls: number; windowSeconds: number } = limit,
): Promise<string> {
  // Account creation validates the keys with one unpaced call: make sure an earlier test's window cannot refuse it.
  sandbox.control.setRateLimit({ calls: 1000, windowSeconds: 1, http200: false });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'leadsquared',
    tenant_id: `tenant-${Math.random().toString(36).slice(2)}`,
    context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
  });
  expect(created.status, created.text).toBe(201);
  expect(created.body.status, created.body.last_error).toBe('active');
  expect(created.body.rate_limit).toBeNull();
  const patched = await server.request('PATCH', `/integrated-account/${created.body.id}`, {
    rate_limit: { calls: accountLimit.calls, window_seconds: accountLimit.windowSeconds },
  });
  expect(patched.status, patched.text).toBe(200);
  expect(patched.body.rate_limit).toEqual({
    calls: accountLimit.calls,
    window_seconds: accountLimit.windowSeconds,
  });
  sandbox.control.setRateLimit({
    calls: limit.calls,
    windowSeconds: limit.windowSeconds,
    http200: !!limit.http200,
  });
  sandbox.control.resetStats();
  return created.body.id;
}

export function keyStats(sandbox: LeadSquaredSandbox): AccessKeyStats {
  return (
    sandbox.control.stats().access_keys[sandbox.accessKey] ?? {
      calls: 0,
      max_calls_in_any_window: 0,
      rate_limited_responses: 0,
    }
  );
}

/** A failure Switchboard answered on purpose: a clear envelope with one of the expected statuses, never a 500. */
export function expectCleanFailure(
  response: { status: number; body: Json; text: string },
  statuses: number[] = [502, 503, 504],
): void {
  expect(statuses, response.text).toContain(response.status);
  expect(response.body).toMatchObject({ statusCode: response.status, code: expect.any(String) });
  expect(response.body.message, response.text).toMatch(/\S/);
}

export function countBy<T>(items: T[], key: (item: T) => string | number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}
