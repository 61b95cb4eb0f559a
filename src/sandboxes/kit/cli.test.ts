/**
 * The CLI helper's parts; `src/sandboxes/hubspot/cli.test.ts` runs a whole emulator CLI as a process and
 * calls the emulator it started over HTTP.
 */
import { describe, expect, it } from 'vitest';
import { faultsFromFlags, formatBanner, numberFlag } from './cli.ts';

describe('emulator CLI helper', () => {
  it('turns fault flags into rules limited to a path', () => {
    expect(
      faultsFromFlags({ latency: '20', 'error-rate': '0.1', 'error-status': '503', 'fault-path': '/api' }),
    ).toEqual([
      { kind: 'latency', ms: 20, jitterMs: 0, pathPrefix: '/api' },
      { kind: 'error', probability: 0.1, status: 503, pathPrefix: '/api' },
    ]);
    expect(faultsFromFlags({})).toEqual([]);
  });

  it('refuses flags that are not numbers', () => {
    expect(() => numberFlag('abc', 'port', 1)).toThrow('--port must be a number');
    expect(numberFlag(undefined, 'port', 8282)).toBe(8282);
  });

  it('prints an aligned banner with the base URL, credentials, a curl example and the control URL', () => {
    const text = formatBanner('Acme', 'http://127.0.0.1:9000', {
      credentials: [['token', 't-1']],
      curl: "curl -H 'Authorization: Bearer t-1' http://127.0.0.1:9000/users",
    });
    expect(text.split('\n')).toEqual([
      'Acme emulator listening on http://127.0.0.1:9000',
      '  base URL: http://127.0.0.1:9000',
      '  token:    t-1',
      "  try:      curl -H 'Authorization: Bearer t-1' http://127.0.0.1:9000/users",
      '  control:  http://127.0.0.1:9000/__sandbox/stats (see docs/emulators.md)',
      '',
    ]);
  });
});
