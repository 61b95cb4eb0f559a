import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { redactedLogPaths } from './log-redaction.ts';

function logged(value: object): string {
  let out = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      out += chunk.toString();
      done();
    },
  });
  pino({ redact: { paths: redactedLogPaths(), censor: '[redacted]' } }, stream).info(value, 'x');
  return out;
}

describe('log redaction', () => {
  it('covers every integration’s secret fields and auth headers, OAuth secrets and raw packets', () => {
    const out = logged({
      req: { headers: { authorization: 'Bearer A1', cookie: 'c=C1', 'x-lsq-secretkey': 'S1' } },
      secret_key: 'S2',
      account: { secret_key: 'S3', oauth: { refresh_token: 'R1' } },
      token_response: { access_token: 'T1', refresh_token: 'R2', id_token: 'I1' },
      oauth_app: { client_secret: 'CS1', code_verifier: 'V1' },
      callback: { query: { code: 'AC1', state: 'ok' } },
      err: { rawPacket: 'POST / HTTP/1.1 secret' },
      error_code: 'UPSTREAM_TIMEOUT',
    });
    for (const secret of [
      'A1',
      'C1',
      'S1',
      'S2',
      'S3',
      'R1',
      'T1',
      'R2',
      'I1',
      'CS1',
      'V1',
      'AC1',
      'HTTP/1.1 secret',
    ]) {
      expect(out, secret).not.toContain(secret);
    }
    expect(out).toContain('UPSTREAM_TIMEOUT');
    expect(out).toContain('"state":"ok"');
  });
});
