import { describe, expect, it } from 'vitest';
import { guardRefusals, guardUpstreamUrl } from './origin-guard.ts';

const lsq = { origin: 'https://api-in21.leadsquared.com', basePath: '/v2' };
const hubspot = { origin: 'https://api.hubapi.com', basePath: '' };

function refused(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code ?? 'thrown';
  }
  return 'allowed';
}

describe('guardUpstreamUrl', () => {
  it('builds ordinary paths under the base path, with query values as parameters', () => {
    const url = guardUpstreamUrl(lsq, { path: '/UserManagement.svc/Users.Get' }, { a: 'x&y=1', n: 2 });
    expect(url.href).toBe('https://api-in21.leadsquared.com/v2/UserManagement.svc/Users.Get?a=x%26y%3D1&n=2');
    expect(guardUpstreamUrl(hubspot, { path: 'crm/v3/owners/' }).pathname).toBe('/crm/v3/owners/');
    expect(guardUpstreamUrl(hubspot, { path: '/a/%40b' }).pathname).toBe('/a/%40b');
  });

  it.each([
    '//127.0.0.1:1/x',
    '/%2F127.0.0.1/x',
    '/\\127.0.0.1/x',
    '/%5c%5c127.0.0.1/x',
    '/../x',
    '/a/%2e%2e/x',
    '/%252e%252e/x',
    '/%25252e%25252e/x',
    '/a/.%2E/x',
    '/a/./x',
    '/a//b',
    '/a/%00/b',
    '/a/%0d%0aHost:%20evil',
    '/a/%zz',
  ])('refuses %s before anything is sent', (path) => {
    expect(refused(() => guardUpstreamUrl(lsq, { path }))).toBe('UPSTREAM_PATH_NOT_ALLOWED');
    expect(refused(() => guardUpstreamUrl(hubspot, { path }))).toBe('UPSTREAM_PATH_NOT_ALLOWED');
  });

  it('accepts a vendor link only on the account origin and under the base path', () => {
    const next = guardUpstreamUrl(lsq, {
      absoluteUrl: 'https://api-in21.leadsquared.com/v2/Users.Get?page=2#frag',
    });
    expect(next.href).toBe('https://api-in21.leadsquared.com/v2/Users.Get?page=2');
    const relative = guardUpstreamUrl(lsq, { absoluteUrl: '/v2/query/01g-2000' });
    expect(relative.href).toBe('https://api-in21.leadsquared.com/v2/query/01g-2000');
    for (const absoluteUrl of [
      'https://evil.example/v2/Users.Get',
      'http://api-in21.leadsquared.com/v2/Users.Get',
      'https://api-in21.leadsquared.com:444/v2/Users.Get',
      'https://user:pw@api-in21.leadsquared.com/v2/Users.Get',
      'https://api-in21.leadsquared.com/v3/Users.Get',
      'https://api-in21.leadsquared.com/v2/../v3/x',
      'https://api-in21.leadsquared.com/v2/%2e%2e/v3',
      'not a url',
      '//evil.example/v2/x',
      '/v3/query',
      '/v2/%2e%2e/v3',
    ]) {
      expect(
        refused(() => guardUpstreamUrl(lsq, { absoluteUrl })),
        absoluteUrl,
      ).toBe('UPSTREAM_PATH_NOT_ALLOWED');
    }
  });

  it('counts refusals by reason', () => {
    const before = guardRefusals.backslash;
    refused(() => guardUpstreamUrl(hubspot, { path: '/a\\b' }));
    expect(guardRefusals.backslash).toBe(before + 1);
  });
});
