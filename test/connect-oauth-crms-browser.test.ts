/**
 * CRMs linked by OAuth in a real browser, each against its emulator's consent page: the connect page asks
 * the fields the vendor needs before the redirect (Salesforce's environment, Dynamics 365's environment
 * URL, Accelo's deployment; Teamleader none), "Connect with <vendor>" → consent → Allow → back on the page,
 * linked → a unified crm/users call on the new account works. Two of each CRM issue's integrations.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcceloSandbox } from '../src/sandboxes/accelo/index.ts';
import { startDynamicsSandbox } from '../src/sandboxes/dynamics365/index.ts';
import { startSalesforceSandbox } from '../src/sandboxes/salesforce/index.ts';
import { startTeamleaderSandbox } from '../src/sandboxes/teamleader/index.ts';
import { useEmulatorOAuthApp } from './contract/oauth-app.ts';
import { browserMissing, launchChromium } from './support/browser.ts';
import { startTestServer, type TestServer } from './support/server.ts';

interface Vendor {
  url: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  close(): Promise<void>;
}

interface Case {
  integration: string;
  label: string;
  start(): Promise<Vendor>;
  /** Non-secret context the product puts on the link token (the emulator's origin stands for the vendor's). */
  linkContext(vendor: Vendor): Record<string, string>;
  /** What the customer enters on the page before the redirect. */
  fill(page: Page): Promise<void>;
}

const ORG = 'https://contoso.crm.dynamics.com';

const cases: Case[] = [
  {
    integration: 'salesforce',
    label: 'Salesforce',
    start: () => startSalesforceSandbox({ users: 40, seed: 3, dailyApiRequests: null }),
    // The instance URL comes back with the token.
    linkContext: () => ({}),
    fill: async (page) => {
      await page
        .getByLabel('Salesforce environment')
        .selectOption({ label: 'Production or Developer Edition' });
    },
  },
  {
    integration: 'dynamics365',
    label: 'Microsoft Dynamics 365 Sales',
    start: () => startDynamicsSandbox({ users: 40, seed: 3, orgUrl: ORG, requestsPer5Minutes: null }),
    linkContext: (vendor) => ({ api_origin: vendor.url }),
    fill: (page) => page.getByLabel('Environment URL').fill(ORG),
  },
  {
    integration: 'accelo',
    label: 'Accelo',
    start: () => startAcceloSandbox({ staff: 40, seed: 3 }),
    linkContext: (vendor) => ({ api_origin: vendor.url }),
    fill: (page) => page.getByLabel('Accelo deployment').fill('planet-express'),
  },
  {
    integration: 'teamleader',
    label: 'Teamleader Focus',
    start: () => startTeamleaderSandbox({ users: 40, seed: 3, rateLimit: null }),
    linkContext: (vendor) => ({ api_origin: vendor.url }),
    fill: async () => {},
  },
];

describe.skipIf(browserMissing)('linking CRMs by OAuth in a browser', () => {
  const vendors = new Map<string, Vendor>();
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    const started = await Promise.all(cases.map((c) => c.start()));
    for (const [i, c] of cases.entries()) vendors.set(c.integration, started[i]!);
    browser = await launchChromium();
    server = await startTestServer({
      SWITCHBOARD_ALLOW_UPSTREAM: started.map((v) => v.url).join(','),
    });
    for (const c of cases)
      await useEmulatorOAuthApp(server, c.integration, vendors.get(c.integration)!.oauth);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all([...vendors.values()].map((v) => v.close()));
  });

  for (const c of cases) {
    it(`connects ${c.label} through its consent page and lands linked`, async () => {
      const vendor = vendors.get(c.integration)!;
      const tenant = `browser-${c.integration}`;
      const created = await server.request('POST', '/link-token', {
        tenant_id: tenant,
        integration: c.integration,
        context: c.linkContext(vendor),
      });
      expect(created.status, created.text).toBe(201);
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(created.body.link_url);
      await c.fill(page);
      await page.getByRole('button', { name: `Connect with ${c.label}` }).click();
      await page.waitForURL(`${vendor.url}/**`);
      await page.locator('#oauth-allow').click();
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 })
        .toBe(`${c.label} is connected`);
      const [account] = (await server.request('GET', `/integrated-account?tenant_id=${tenant}`)).body.result;
      expect(account).toMatchObject({ integration: c.integration, status: 'active' });
      const users = await server.request(
        'GET',
        `/unified/crm/users?integrated_account_id=${account.id}&limit=5`,
      );
      expect(users.status, users.text).toBe(200);
      // Salesforce answers its smallest batch (200) whatever the limit; the emulator holds 40 people or fewer.
      expect(users.body.result.length).toBeGreaterThanOrEqual(5);
      for (const user of users.body.result) expect(user).toMatchObject({ id: expect.any(String) });
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
