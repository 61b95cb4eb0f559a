/**
 * `limit` on every admin list takes plain decimal whole numbers only: the validator's type coercion used to read
 * `0x10`, `1e2`, ` 5`, `+5` and `10.0` as numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';

const BAD = ['0x10', '1e2', '%205', '-1', '10.0', '%2B5', '0', '501', 'ten', '', '0b11', '5%20', '1_0'];

describe('limit on admin lists', () => {
  let server: TestServer;
  const lists: string[] = ['/integrated-account', '/webhook', '/sync-job-run'];

  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'warn' });
    const webhook = await server.request('POST', '/webhook', {
      target_url: 'https://[2606:4700::1111]/hook',
      event_types: ['*'],
    });
    expect(webhook.status).toBe(201);
    lists.push(`/webhook/${webhook.body.id}/deliveries`);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses anything but a plain decimal whole number in range with 400 naming limit', async () => {
    for (const path of lists) {
      for (const value of BAD) {
        const response = await server.request('GET', `${path}?limit=${value}`);
        expect(response.status, `${path}?limit=${value}`).toBe(400);
        expect(response.body).toMatchObject({
          statusCode: 400,
          error: 'Bad Request',
          code: 'INVALID_REQUEST',
        });
        expect(response.body.message, `${path}?limit=${value}`).toContain('limit');
      }
      const twice = await server.request('GET', `${path}?limit=5&limit=6`);
      expect(twice.status, `${path} twice`).toBe(400);
    }
  });

  it('accepts decimal whole numbers from 1 to 500', async () => {
    for (const path of lists) {
      for (const value of ['10', '1', '500']) {
        const response = await server.request('GET', `${path}?limit=${value}`);
        expect(response.status, `${path}?limit=${value}`).toBe(200);
        expect(response.body.limit).toBe(Number(value));
      }
      const unset = await server.request('GET', path);
      expect(unset.body.limit).toBe(100);
    }
  });
});
