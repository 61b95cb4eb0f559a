/**
 * Debian's Chromium driven by playwright-core, for the browser tests. CI installs Chromium (.ci/run) and
 * must run them; elsewhere a missing browser skips them, loudly.
 */
import fs from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const browserMissing = !fs.existsSync(CHROMIUM);
if (browserMissing && process.env['CI'])
  throw new Error(`Chromium is required on CI but ${CHROMIUM} is missing`);
if (browserMissing)
  console.warn(`skipping the browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
