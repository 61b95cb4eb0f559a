/** The authorize endpoint over real HTTP: consent page, Allow/Deny, state, autoApprove, refusals. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.ts';
import { authorize, authorizeUrl, pkcePair, postForm, redirectOf } from '../testing.ts';
import { createOAuthServer } from './server.ts';

const REDIRECT = 'https://app.example.test/callback';
let emulator: Emulator;

beforeAll(async () => {
  const oauth = createOAuthServer({
    paths: { authorize: '/oauth/authorize', token: '/oauth/token' },
    clients: [
      { clientId: 'app-1', clientSecret: 's3cret', redirectUris: [REDIRECT], name: 'Acme <Sync>' },
      { clientId: 'anywhere', clientSecret: 'x', redirectUris: 'any' },
    ],
    accounts: [
      { id: 'portal-1', name: 'Main portal' },
      { id: 'portal-2', name: 'Sandbox portal' },
    ],
    vendorName: 'Example CRM',
  });
  emulator = await startEmulator({
    name: 'Example',
    authenticators: [],
    unauthorized: () => ({ body: { error: 'unauthorized' } }),
    oauth,
    routes: () => {},
  });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.control.oauth!.setSettings({ autoApprove: false }));

const url = (params: Record<string, string | undefined>) =>
  authorizeUrl(emulator.url, '/oauth/authorize', {
    response_type: 'code',
    client_id: 'app-1',
    redirect_uri: REDIRECT,
    ...params,
  });

describe('consent page', () => {
  it('names the client and scopes, escaped, with Allow and Deny buttons and no external assets', async () => {
    const res = await fetch(url({ scope: 'crm.objects.owners.read oauth', state: 'xyz' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('<span id="oauth-client">Acme &lt;Sync&gt;</span>');
    expect(html).toContain('<code>crm.objects.owners.read</code>');
    expect(html).toContain('<button id="oauth-allow"');
    expect(html).toContain('<button id="oauth-deny"');
    expect(html).toContain('<select id="oauth-account" name="account">');
    expect(html).not.toMatch(/<script|<link|src=/);
  });

  it('Allow redirects to the registered URI with a code and the state unchanged', async () => {
    const redirect = await authorize(url({ state: 'a b+c/=' }), 'allow');
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT);
    expect(redirect.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(redirect.searchParams.get('state')).toBe('a b+c/=');
  });

  it('Deny redirects with access_denied and the state', async () => {
    const redirect = await authorize(url({ state: 's1' }), 'deny');
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('s1');
    expect(redirect.searchParams.get('code')).toBeNull();
  });

  it('grants the account chosen on the page', async () => {
    const redirect = await authorize(url({}), 'allow', 'portal-2');
    const token = await postForm(`${emulator.url}/oauth/token`, {
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code')!,
      redirect_uri: REDIRECT,
      client_id: 'app-1',
      client_secret: 's3cret',
    });
    const grant = emulator.control.oauth!.validateAccessToken(token.json.access_token as string);
    expect(grant?.account).toBe('portal-2');
  });

  it('answers a consent form only once', async () => {
    const html = await (await fetch(url({}))).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)![1];
    const submit = () =>
      fetch(`${emulator.url}/oauth/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `request_id=${requestId}&decision=allow`,
      });
    expect((await submit()).status).toBe(302);
    const again = await submit();
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('id="oauth-error"');
  });
});

describe('autoApprove', () => {
  it('redirects at once with a code (no page)', async () => {
    emulator.control.oauth!.setSettings({ autoApprove: true });
    const res = await fetch(url({ state: 'auto' }), { redirect: 'manual' });
    const redirect = redirectOf(res);
    expect(redirect.searchParams.get('code')).toBeTruthy();
    expect(redirect.searchParams.get('state')).toBe('auto');
  });
});

describe('refusals', () => {
  it('shows an error page, never a redirect, for an unknown client or an unregistered redirect_uri', async () => {
    for (const params of [{ client_id: 'nobody' }, { redirect_uri: 'https://evil.example.test/steal' }]) {
      const res = await fetch(url(params), { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('id="oauth-error"');
    }
  });

  it('accepts any absolute redirect_uri for a client registered with "any"', async () => {
    emulator.control.oauth!.setSettings({ autoApprove: true });
    const res = await fetch(url({ client_id: 'anywhere', redirect_uri: 'http://localhost:9/cb?x=1' }), {
      redirect: 'manual',
    });
    const redirect = redirectOf(res);
    expect(redirect.origin).toBe('http://localhost:9');
    expect(redirect.searchParams.get('x')).toBe('1');
  });

  it('redirects protocol errors to a registered URI with the state', async () => {
    const bad = await fetch(url({ response_type: 'token', state: 'st' }), { redirect: 'manual' });
    expect(redirectOf(bad).searchParams.get('error')).toBe('unsupported_response_type');
    expect(redirectOf(bad).searchParams.get('state')).toBe('st');
    const badMethod = await fetch(
      url({ code_challenge: pkcePair().challenge, code_challenge_method: 'S512' }),
      {
        redirect: 'manual',
      },
    );
    expect(redirectOf(badMethod).searchParams.get('error')).toBe('invalid_request');
  });
});

describe('PKCE required', () => {
  it('refuses an authorization request without a code_challenge', async () => {
    const strict = await startEmulator({
      name: 'Strict',
      authenticators: [],
      unauthorized: () => ({ body: {} }),
      oauth: createOAuthServer({
        paths: { authorize: '/authorize', token: '/token' },
        clients: [{ clientId: 'c', redirectUris: [REDIRECT] }],
        pkce: 'required',
        autoApprove: true,
      }),
      routes: () => {},
    });
    try {
      const base = { response_type: 'code', client_id: 'c', redirect_uri: REDIRECT };
      const without = await fetch(authorizeUrl(strict.url, '/authorize', base), { redirect: 'manual' });
      expect(redirectOf(without).searchParams.get('error')).toBe('invalid_request');
      const { challenge } = pkcePair();
      const withIt = await fetch(
        authorizeUrl(strict.url, '/authorize', {
          ...base,
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
        { redirect: 'manual' },
      );
      expect(redirectOf(withIt).searchParams.get('code')).toBeTruthy();
    } finally {
      await strict.close();
    }
  });
});
