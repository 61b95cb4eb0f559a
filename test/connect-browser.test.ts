/**
 * The hosted connect page in a real browser (playwright-core driving Debian's Chromium) against a real
 * Switchboard and the LeadSquared sandbox. Each state is saved as `docs/connect-<state>.png` for the
 * README. Runs on this run's preferred database (the API tests cover every database).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeadSquaredSandbox, startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { browserMissing, launchChromium } from './support/browser.ts';
import { startTestServer, type TestServer } from './support/server.ts';

// Screenshots of every state; they replace the ones in docs/ only when asked (UPDATE_SCREENSHOTS=1), so
// that a test run leaves the work tree as it found it.
const SHOTS = process.env['UPDATE_SCREENSHOTS']
  ? path.resolve(import.meta.dirname, '../docs')
  : fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-shots-'));
const UNREACHABLE = 'http://127.0.0.1:9';
/** Where the redirect_uri points: served by the browser's request interception (no server needed). */
const APP_ORIGIN = 'http://app.example.test';

/** A product's front-end that uses the link SDK (a real local server: Chrome lets only local pages
 * load scripts from a loopback address). */
const SDK_DEMO = (switchboard: string) => `<!doctype html><title>App</title>
<script src="${switchboard}/link-sdk.js"></script>
<button id="connect">Connect LeadSquared</button>
<script>
document.getElementById('connect').addEventListener('click', () => {
  window.outcome = null;
  SwitchboardLink.authenticate(new URLSearchParams(location.search).get('token')).then(
    (result) => { window.outcome = { result }; },
    (error) => { window.outcome = { error: { type: error.error_type, message: error.message, name: error.name } }; },
  );
});
</script>`;

describe.skipIf(browserMissing)('connect page in a browser', () => {
  let server: TestServer;
  let sandbox: LeadSquaredSandbox;
  let otherRegion: LeadSquaredSandbox;
  let otherRegionHost: string;
  let browser: Browser;
  let context: BrowserContext;
  let app: http.Server;
  let appOrigin: string;

  beforeAll(async () => {
    [sandbox, otherRegion, browser] = await Promise.all([
      startLeadSquaredSandbox({ users: 30, seed: 11 }),
      startLeadSquaredSandbox({ users: 30, seed: 12, wrongRegion: true }),
      launchChromium(),
    ]);
    otherRegionHost = `http://localhost:${new URL(otherRegion.url).port}`;
    server = await startTestServer({
      // Offered on the page as Sandbox 1..4, in this order.
      SWITCHBOARD_ALLOW_UPSTREAM: [sandbox.url, otherRegion.url, otherRegionHost, UNREACHABLE].join(','),
      SWITCHBOARD_CONNECT_SANDBOXES: 'true',
    });
    app = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end(SDK_DEMO(server.url));
    });
    await new Promise<void>((resolve) => app.listen(0, 'localhost', resolve));
    appOrigin = `http://localhost:${(app.address() as AddressInfo).port}`;
    context = await browser.newContext({ viewport: { width: 600, height: 820 }, colorScheme: 'light' });
    await context.route(`${APP_ORIGIN}/**`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><title>App</title><h1>Back in the app</h1>',
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    app?.close();
    await server?.close();
    await sandbox?.close();
    await otherRegion?.close();
  });

  async function link(body: Record<string, unknown> = { tenant_id: 'acme', integration: 'leadsquared' }) {
    const response = await server.request('POST', '/link-token', body);
    expect(response.status, response.text).toBe(201);
    return response.body as { link_token: string; link_url: string };
  }

  async function accounts(tenant: string) {
    const response = await server.request('GET', `/integrated-account?tenant_id=${tenant}`);
    return response.body.result as Array<{ id: string; status: string; context: Record<string, unknown> }>;
  }

  async function open(url: string): Promise<Page> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // The browser logs every 4xx answer; the page shows those itself.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        errors.push(message.text());
      }
    });
    (page as Page & { jsErrors: string[] }).jsErrors = errors;
    await page.goto(url);
    return page;
  }

  function jsErrors(page: Page): string[] {
    return (page as Page & { jsErrors: string[] }).jsErrors;
  }

  async function shot(page: Page, state: string) {
    await page.screenshot({ path: path.join(SHOTS, `connect-${state}.png`), fullPage: true });
  }

  async function fill(page: Page, keys: { access: string; secret: string; host: string }) {
    await page.getByLabel('Access Key').fill(keys.access);
    await page.getByLabel('Secret Key', { exact: true }).fill(keys.secret);
    await page.getByLabel('API Host').selectOption(keys.host);
  }

  it('links an account: wrong keys are refused and nothing is saved, then the sandbox keys link it', async () => {
    const { link_url, link_token } = await link({ tenant_id: 'browser', integration: 'leadsquared' });
    const page = await open(link_url);
    const heading = page.getByRole('heading', { level: 1 });
    await expect.poll(() => heading.textContent()).toBe('Connect your LeadSquared account');
    // The token is read from the fragment, then removed from the address bar.
    expect(page.url()).toBe(`${server.url}/connect`);
    expect(page.url()).not.toContain(link_token);
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('H1');
    await shot(page, 'form');
    // Keyboard order: the fields, the show/hide toggle, the region, the button.
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      order.push(
        String(
          await page.evaluate(
            "document.activeElement?.getAttribute('name') ?? document.activeElement?.textContent ?? ''",
          ),
        ),
      );
    }
    expect(order).toEqual(['access_key', 'secret_key', 'Show', 'api_host', 'Connect']);
    expect(await page.getByLabel('API Host').inputValue()).toBe('auto');

    await fill(page, { access: sandbox.accessKey, secret: 'f'.repeat(40), host: 'sandbox-1' });
    await page.getByLabel('Secret Key', { exact: true }).press('Enter');
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Those keys didn’t work');
    expect(await page.evaluate("document.activeElement?.classList.contains('alert')")).toBe(true);
    expect(await accounts('browser')).toEqual([]);
    await shot(page, 'wrong-keys');

    await page.getByRole('button', { name: 'Show Secret Key' }).click();
    expect(await page.getByLabel('Secret Key', { exact: true }).getAttribute('type')).toBe('text');
    await page.getByLabel('Secret Key', { exact: true }).fill(sandbox.secretKey);
    await page.getByLabel('API Host').selectOption('auto');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => heading.textContent()).toBe('LeadSquared is connected');
    expect(await page.locator('[data-state="linked"]').textContent()).toContain(sandbox.control.data.orgName);
    const listed = await accounts('browser');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ status: 'active', context: { api_host: sandbox.url } });
    await shot(page, 'success');
    expect(jsErrors(page)).toEqual([]);

    // The same link again: refused.
    const again = await open(link_url);
    await expect
      .poll(() => again.getByRole('heading', { level: 1 }).textContent())
      .toBe('This link can’t be used');
    expect(await again.locator('[data-state="invalid"]').textContent()).toContain('already used');
    await shot(again, 'used');
    await Promise.all([page.close(), again.close()]);
  });

  it('refuses an expired link', async () => {
    const { link_url } = await link({ tenant_id: 'browser-expired', integration: 'leadsquared' });
    await server.services.db
      .updateTable('link_tokens')
      .set({ expires_at: new Date(Date.now() - 60_000).toISOString() })
      .where('tenant_id', '=', 'browser-expired')
      .execute();
    const page = await open(link_url);
    await expect.poll(() => page.locator('[data-state="invalid"]').textContent()).toContain('expired');
    await shot(page, 'expired');
    await page.close();
  });

  it('suggests the right region, links with one click, and returns to the redirect_uri', async () => {
    const { link_url } = await link({
      tenant_id: 'browser-region',
      integration: 'leadsquared',
      redirect_uri: `${APP_ORIGIN}/settings/integrations?tab=crm`,
    });
    const page = await open(link_url);
    await page.getByLabel('Access Key').waitFor();
    await fill(page, { access: otherRegion.accessKey, secret: otherRegion.secretKey, host: 'sandbox-2' });
    const alert = page.getByRole('alert');
    // As LeadSquared itself would: the keys' account lives on India (Mumbai).
    otherRegion.control.setSettings({ apiHost: 'api-in21.leadsquared.com' });
    try {
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await expect.poll(() => alert.textContent()).toContain('These keys belong to another region');
      expect(await alert.textContent()).toContain('India (Mumbai) — api-in21.leadsquared.com');
      expect(await page.getByRole('button', { name: 'Use India (Mumbai) and connect' }).count()).toBe(1);
      expect(await page.getByLabel('API Host').getAttribute('aria-invalid')).toBe('true');
      await shot(page, 'wrong-region');
    } finally {
      otherRegion.control.setSettings({ apiHost: '' });
    }
    // The sandbox's other "region" is http://localhost:<port>: the suggestion fixes it in one click.
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => alert.textContent()).toContain('Sandbox 3');
    expect(await alert.textContent()).not.toContain(otherRegionHost);
    expect(await accounts('browser-region')).toEqual([]);
    await page.getByRole('button', { name: 'Use Sandbox 3 and connect' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('LeadSquared is connected');
    expect(await page.getByText('Taking you back to app.example.test').count()).toBe(1);
    await page.waitForURL(`${APP_ORIGIN}/settings/integrations?**`);
    const url = new URL(page.url());
    const [account] = await accounts('browser-region');
    expect(url.searchParams.get('tab')).toBe('crm');
    expect(url.searchParams.get('integrated_account_id')).toBe(account!.id);
    expect(account).toMatchObject({ status: 'active', context: { api_host: otherRegionHost } });
    await page.close();
  });

  it('says when LeadSquared cannot be reached', async () => {
    const { link_url } = await link({ tenant_id: 'browser-down', integration: 'leadsquared' });
    const page = await open(link_url);
    await page.getByLabel('Access Key').waitFor();
    await fill(page, { access: sandbox.accessKey, secret: sandbox.secretKey, host: 'sandbox-4' });
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('We couldn’t reach LeadSquared');
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    expect(await accounts('browser-down')).toEqual([]);
    await shot(page, 'unreachable');
    await page.close();
  });

  it('checks required fields in the page, and lets the customer pick the integration', async () => {
    const { link_url } = await link({ tenant_id: 'browser-pick' });
    const page = await open(link_url);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Choose the app to connect');
    await shot(page, 'picker');
    await page.getByRole('button', { name: /LeadSquared/ }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Connect your LeadSquared account');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    expect(await page.getByLabel('Access Key').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate("document.activeElement?.getAttribute('name')")).toBe('access_key');
    expect(await page.getByText('Enter your Secret Key.').count()).toBe(1);
    await page.getByRole('button', { name: '← Choose another app' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Choose the app to connect');
    await page.close();
  });

  it('reconnects an account that needs reauthentication, keeping its id', async () => {
    const { link_token } = await link({ tenant_id: 'browser-reauth', integration: 'leadsquared' });
    const first = await fetch(`${server.url}/connect/link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${link_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: 'sandbox-1' },
      }),
    });
    const { integrated_account_id: id } = (await first.json()) as { integrated_account_id: string };
    await server.services.accounts.markNeedsReauth('default', id, 'LeadSquared: Invalid Access Details');

    const { link_url } = await link({ integrated_account_id: id });
    const page = await context
      .browser()!
      .newContext({ viewport: { width: 390, height: 844 } })
      .then((c) => c.newPage());
    await page.goto(link_url);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Reconnect your LeadSquared account');
    await shot(page, 'reconnect-mobile');
    const fresh = sandbox.control.addAccount();
    await fill(page, { access: fresh.accessKey, secret: fresh.secretKey, host: 'auto' });
    await page.getByRole('button', { name: 'Reconnect', exact: true }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('LeadSquared is reconnected');
    const listed = await accounts('browser-reauth');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id, status: 'active', context: { access_key: fresh.accessKey } });
    await page.context().close();
  });

  describe('the link SDK', () => {
    async function appPage(token: string): Promise<Page> {
      const page = await context.newPage();
      await page.goto(`${appOrigin}/?token=${encodeURIComponent(token)}`);
      return page;
    }

    it('resolves authenticate() with { integrated_account_id, integration } from a popup', async () => {
      const { link_token } = await link({ tenant_id: 'browser-sdk', integration: 'leadsquared' });
      const page = await appPage(link_token);
      const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect')]);
      await popup.getByLabel('Access Key').waitFor();
      expect(popup.url()).toBe(`${server.url}/connect`);
      await fill(popup, { access: sandbox.accessKey, secret: sandbox.secretKey, host: 'auto' });
      await popup.getByRole('button', { name: 'Connect', exact: true }).click();
      const outcome = await page.waitForFunction('window.outcome');
      const [account] = await accounts('browser-sdk');
      expect(await outcome.jsonValue()).toEqual({
        result: { integrated_account_id: account!.id, integration: 'leadsquared' },
      });
      await popup.waitForEvent('close', { timeout: 5000 });
      await page.close();
    });

    it('rejects with error_type "closed", the last failure, or "invalid_token"', async () => {
      const { link_token } = await link({ tenant_id: 'browser-sdk-2', integration: 'leadsquared' });
      const page = await appPage(link_token);
      const outcome = async () => (await page.waitForFunction('window.outcome')).jsonValue();

      let [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect')]);
      await popup.getByLabel('Access Key').waitFor();
      await popup.close();
      expect(await outcome()).toMatchObject({ error: { type: 'closed', name: 'SwitchboardLinkError' } });

      [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect')]);
      await fill(popup, { access: 'u$rnope', secret: 'nope', host: 'sandbox-1' });
      await popup.getByRole('button', { name: 'Connect', exact: true }).click();
      await popup.getByRole('alert').waitFor();
      await popup.close();
      expect(await outcome()).toMatchObject({ error: { type: 'validation_error' } });

      await server.services.db
        .updateTable('link_tokens')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('tenant_id', '=', 'browser-sdk-2')
        .execute();
      [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect')]);
      expect(await outcome()).toMatchObject({ error: { type: 'invalid_token' } });
      await popup.close();
      await page.close();
    });
  });
});
