/**
 * The webhook target guard against IPv6 forms of inward addresses (issue 12): IPv4-compatible, IPv4-mapped in
 * every notation, IPv4-translated, NAT64, 6to4, Teredo, site-local and the other special ranges. Checked as a
 * unit, at subscription time over HTTP, and at delivery time with a listener on 127.0.0.1 that must see nothing.
 */
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../src/events/target-guard.ts';
import { jobsSchemaFor } from '../src/jobs/runner.ts';
import { startTestServer, type TestServer } from './support/server.ts';

/** Addresses that stand for, embed or map to a non-public IPv4 address, or are non-public IPv6 ranges. */
const INWARD_IPV6 = [
  '::7f00:1', // IPv4-compatible 127.0.0.1
  '::a00:1', // IPv4-compatible 10.0.0.1
  '::ffff:127.0.0.1', // IPv4-mapped, dotted
  '::ffff:7f00:1', // IPv4-mapped, hex
  '0:0:0:0:0:ffff:7f00:1', // IPv4-mapped, long form
  '::ffff:169.254.169.254',
  '::ffff:0:7f00:1', // IPv4-translated 127.0.0.1
  '::ffff:0:a9fe:a9fe', // IPv4-translated 169.254.169.254
  '64:ff9b::7f00:1', // NAT64 well-known prefix
  '64:ff9b::a9fe:a9fe',
  '64:ff9b:1::a00:1', // NAT64 local-use prefix
  '2002:7f00:1::1', // 6to4 of 127.0.0.1
  '2002:a00:1::', // 6to4 of 10.0.0.1
  '2002:c0a8:101::1', // 6to4 of 192.168.1.1
  '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo
  '2001::1',
  'fec0::1', // site-local
  'fc00::1', // unique-local
  'fd12:3456::1',
  'fe80::1', // link-local
  'febf::1',
  'ff02::1', // multicast
  'ff0e::1',
  '::1', // loopback
  '::', // unspecified
  '2001:db8::1', // documentation
  '100::1', // discard
];

/** Every IPv4 range the guard refused before (and a few it adds), so the rewrite stays as strict or stricter. */
const INWARD_IPV4 = [
  '0.0.0.0',
  '0.1.2.3',
  '10.1.2.3',
  '100.64.0.1',
  '100.127.255.254',
  '127.0.0.1',
  '127.255.255.254',
  '169.254.169.254',
  '172.16.0.1',
  '172.31.255.254',
  '192.0.0.1',
  '192.0.2.1',
  '192.88.99.1',
  '192.168.1.1',
  '198.18.0.1',
  '198.19.255.254',
  '198.51.100.1',
  '203.0.113.1',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.255',
];

describe('isPublicAddress', () => {
  it.each(INWARD_IPV6)('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(INWARD_IPV4)('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '2606:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8', // mapped public IPv4: judged as that address
    '2002:808:808::1', // 6to4 of 8.8.8.8: judged by the embedded address
  ])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('refuses what is not an address', () => {
    for (const value of ['', 'localhost', '127.1', '0x7f000001', '::ffff:999.1.1.1']) {
      expect(isPublicAddress(value), value).toBe(false);
    }
  });
});

describe('webhook targets on IPv6 transition addresses', () => {
  let server: TestServer;
  let listener: net.Server;
  let port: number;
  const connections: string[] = [];

  beforeAll(async () => {
    // The attacker's receiver on 127.0.0.1; the guard must keep every delivery away from it.
    listener = net.createServer((socket) => {
      connections.push(socket.remoteAddress ?? '?');
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as net.AddressInfo).port;
    server = await startTestServer({
      SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE: '10m',
      SWITCHBOARD_JOBS_POLL_MS: '100',
      LOG_LEVEL: 'warn',
    });
  });
  afterAll(async () => {
    await server?.close();
    if (server?.schema) {
      const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
      await client.connect();
      await client.query(`drop schema if exists ${jobsSchemaFor(server.schema)} cascade`);
      await client.end();
    }
    listener?.close();
  });

  it('refuses each such target with 400 when subscribing or changing a subscription', async () => {
    for (const address of INWARD_IPV6) {
      for (const target of [`http://[${address}]/`, `https://[${address}]:${port}/hook`]) {
        const response = await server.request('POST', '/webhook', { target_url: target, event_types: ['*'] });
        expect(response.status, target).toBe(400);
        expect(response.body).toMatchObject({ statusCode: 400, code: 'INVALID_REQUEST' });
      }
      const https = await server.request('POST', '/webhook', {
        target_url: `https://[${address}]/hook`,
        event_types: ['*'],
      });
      expect(https.body.message, address).toContain('private or reserved address');
    }
    const publicTarget = await server.request('POST', '/webhook', {
      target_url: 'https://[2606:4700::1111]/hook',
      event_types: ['*'],
    });
    expect(publicTarget.status).toBe(201);
    const moved = await server.request('PATCH', `/webhook/${publicTarget.body.id}`, {
      target_url: `https://[::ffff:0:7f00:1]:${port}/hook`,
    });
    expect(moved.status).toBe(400);
    expect(moved.body.code).toBe('INVALID_REQUEST');
    await server.request('DELETE', `/webhook/${publicTarget.body.id}`);
  });

  it('refuses them again at delivery time: the listener at the inward address receives nothing', async () => {
    const created = await server.request('POST', '/webhook', {
      target_url: 'https://[2606:4700::1111]/hook',
      event_types: ['*'],
    });
    expect(created.status).toBe(201);
    const { id } = created.body;
    // A subscription stored before this guard existed (or written around it) is checked again when sent.
    for (const address of [
      '::ffff:7f00:1',
      '::7f00:1',
      '::ffff:0:7f00:1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::',
    ]) {
      const target = `https://[${address}]:${port}/hook`;
      await server.services.db
        .updateTable('webhooks')
        .set({ target_url: target })
        .where('id', '=', id)
        .execute();
      const sent = await server.request('POST', '/webhook/test', { id });
      expect(sent.status).toBe(200);
      const delivery = await until(async () => {
        const log = await server.request('GET', `/webhook/${id}/deliveries`);
        // biome-ignore lint/suspicious/noExplicitAny: the delivery log as answered
        return log.body.result.find((d: any) => d.id === sent.body.delivery_id && d.attempts > 0);
      });
      expect(delivery.last_error, target).toContain('private or reserved');
    }
    expect(connections).toEqual([]);
    await server.request('DELETE', `/webhook/${id}`);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: whatever the probe returns
async function until(probe: () => Promise<any>, timeoutMs = 10_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the delivery attempt');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
