import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listener, startRecordingListener } from '../../../test/support/raw-http.ts';
import { guardUpstreamUrl } from '../origin-guard.ts';
import { AttemptFailure } from '../retry.ts';
import { exchange, target } from './fixtures.test-support.ts';
import { send } from './send.ts';

describe('send step', () => {
  let vendor: Listener;
  let silent: Listener;
  beforeAll(async () => {
    vendor = await startRecordingListener();
    silent = await startRecordingListener('127.0.0.1', () => {
      // never answers
    });
  });
  afterAll(async () => {
    await vendor.close();
    await silent.close();
  });

  const to = (origin: string) => {
    const t = target({ origin });
    return exchange({
      target: t,
      url: guardUpstreamUrl({ origin, basePath: '' }, { path: '/crm/v3/owners' }, { limit: 2 }),
      injection: { headers: { authorization: 'Bearer k' }, query: { api_key: 'q' } },
    });
  };

  it('sends the guarded URL with the attempt’s credentials and parses JSON', async () => {
    const { response } = await send(5_000)(to(vendor.url));
    expect(response).toMatchObject({ status: 200, body: { stolen: true } });
    expect(vendor.received[0]).toMatchObject({ url: '/crm/v3/owners?limit=2&api_key=q' });
    expect(vendor.received[0]!.headers.authorization).toBe('Bearer k');
  });

  it('turns a timeout and a refused connection into failures the retry step understands', async () => {
    await expect(send(200)(to(silent.url))).rejects.toMatchObject({ kind: 'timeout' });
    const refused = send(1_000)(to('http://127.0.0.1:9'));
    await expect(refused).rejects.toBeInstanceOf(AttemptFailure);
    await expect(refused).rejects.toMatchObject({ kind: 'network' });
  });
});
