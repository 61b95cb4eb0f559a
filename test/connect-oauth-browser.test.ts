/**
 * HubSpot linked by OAuth in a real browser, end to end: the connect page → "Connect with HubSpot" → the
 * emulator's consent page → Allow → Switchboard's callback → back on the page, linked → a unified call on
 * the new account works. Also a consent that is denied, then allowed on the second try.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubSpotSandbox, startHubSpotSandbox } from '../src/sandboxes/hubspot/index.ts';
import { browserMissing, launchChromium } from './support/browser.ts';
import { startTestServer, type TestServer } from './support/server.ts';

describe.skipIf(browserMissing)('linking HubSpot by OAuth in a browser', () => {
  let hubspot: HubSpotSandbox;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [hubspot, browser] = await Promise.all([
      startHubSpotSandbox({ owners: 25, seed: 9, rateLimit: null }),
      launchChromium(),
    ]);
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: hubspot.url });
    const installed = await server.request('GET', '/environment-integration?integration_id=hubspot');
    const patched = await server.request('PATCH', `/environment-integration/${installed.body.result[0].id}`, {
      oauth_app: {
        client_id: hubspot.oauth.clientId,
        client_secret: hubspot.oauth.clientSecret,
        authorize_url: hubspot.oauth.authorizeUrl,
        token_url: hubspot.oauth.tokenUrl,
      },
    });
    expect(patched.status, patched.text).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await hubspot?.close();
  });

  async function openLink(tenant: string): Promise<Page> {
    const created = await server.request('POST', '/link-token', {
      tenant_id: tenant,
      integration: 'hubspot',
      context: { api_origin: hubspot.url },
    });
    expect(created.status, created.text).toBe(201);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    (page as Page & { errors: string[] }).errors = errors;
    await page.goto(created.body.link_url);
    return page;
  }

  it('connects with HubSpot through its consent page and lands linked', async () => {
    const page = await openLink('browser-oauth');
    await page.getByRole('button', { name: 'Connect with HubSpot' }).click();
    await page.waitForURL(`${hubspot.url}/oauth/authorize**`);
    await page.locator('#oauth-allow').click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('HubSpot is connected');
    expect(new URL(page.url()).hash).toBe('');
    const [account] = (await server.request('GET', '/integrated-account?tenant_id=browser-oauth')).body
      .result;
    expect(account).toMatchObject({ integration: 'hubspot', status: 'active' });
    const users = await server.request(
      'GET',
      `/unified/crm/users?integrated_account_id=${account.id}&limit=3`,
    );
    expect(users.status, users.text).toBe(200);
    expect(users.body.result).toHaveLength(3);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('shows a denied consent on the page and connects on the second try', async () => {
    const page = await openLink('browser-oauth-deny');
    await page.getByRole('button', { name: 'Connect with HubSpot' }).click();
    await page.locator('#oauth-deny').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('access was not allowed');
    expect(
      (await server.request('GET', '/integrated-account?tenant_id=browser-oauth-deny')).body.result,
    ).toEqual([]);
    await page.getByRole('button', { name: 'Connect with HubSpot' }).click();
    await page.locator('#oauth-allow').click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('HubSpot is connected');
    await page.close();
  });
});
