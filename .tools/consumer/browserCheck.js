'use strict';
/*
 * The consumer app in Chromium: sign in as guest, open a service's entity page, and see the
 * Virtual Machines tab with the service's VMs. Playwright (this repository's) drives Debian's
 * Chromium in a fresh profile.
 */
const fs = require('node:fs');
const { chromium } = require('@playwright/test');

const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function checkEntityPage(baseUrl, userDataDir) {
  fs.mkdirSync(userDataDir, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: flags,
    headless: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${baseUrl}/catalog/default/component/payments-api`);
    const enter = page.getByRole('button', { name: 'Enter' });
    // the entity page's tab (a link to its route), not the sidebar's Virtual Machines page
    const tab = page.locator(
      'a[href$="/component/payments-api/virtual-machines"]',
    );
    // the guest sign-in page comes first unless a session is already there
    await enter.or(tab).first().waitFor({ timeout: 90_000 });
    if (await enter.isVisible()) await enter.click();
    await tab.waitFor({ timeout: 60_000 });
    if ((await tab.innerText()).trim() !== 'Virtual Machines')
      throw new Error(`the tab reads "${await tab.innerText()}"`);
    await tab.click();
    await page.waitForURL(/payments-api\/virtual-machines/);
    // the tab's table, filled by the broker: the VM this test started is Running there
    const row = page.getByRole('row').filter({ hasText: 'payments-batch' });
    await row.waitFor({ timeout: 60_000 });
    await row.getByText('Running').waitFor({ timeout: 60_000 });
  } catch (error) {
    const page = context.pages()[0];
    const text = page
      ? await page
          .locator('body')
          .innerText()
          .catch(() => '')
      : '';
    throw new Error(`${error.message}\npage text:\n${text.slice(0, 2000)}`);
  } finally {
    await context.close();
  }
}

module.exports = { checkEntityPage };
