import { expect, Page, test } from '@playwright/test';
import path from 'node:path';
import { go, screenshots, signIn } from './support';

/** The VM page with its actions enabled: the broker's ownership index may lag the catalog right after start-up. */
async function openVm(
  page: Page,
  name: string,
  tab: string,
  ready: (page: Page) => Promise<void>,
) {
  await expect(async () => {
    await go(page, '/virtual-machines');
    await go(page, `/virtual-machines/local-sim/payments/${name}`);
    await page.getByRole('tab', { name: tab }).click();
    await ready(page);
  }).toPass({ timeout: 90_000 });
}

const terminalText = (page: Page) =>
  page.getByTestId('serial-console').locator('.xterm-rows');

test('the serial console logs in and runs a command; VNC shows the guest screen', async ({
  page,
}) => {
  await signIn(page);
  await openVm(page, 'payments-db-0', 'Console', async p => {
    await expect(
      p.getByRole('button', { name: 'Connect Serial console' }),
    ).toBeEnabled({ timeout: 3_000 });
  });
  await page.getByRole('button', { name: 'Connect Serial console' }).click();
  await expect(
    page.getByText('Connected to the serial console of payments-db-0'),
  ).toBeVisible();
  await expect(terminalText(page)).toContainText('payments-db-0 login:', {
    timeout: 15_000,
  });
  await page.getByTestId('serial-console').click();
  await page.keyboard.type('guest');
  await page.keyboard.press('Enter');
  await expect(terminalText(page)).toContainText('Password:');
  await page.keyboard.type('secret');
  await page.keyboard.press('Enter');
  await page.keyboard.type('cat /etc/os-release');
  await page.keyboard.press('Enter');
  // output the user did not type: the guest's os-release
  await expect(terminalText(page)).toContainText('PRETTY_NAME=');
  await page.screenshot({
    path: path.join(screenshots, 'vm-console-serial.png'),
    fullPage: true,
  });

  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('button', { name: 'VNC' }).click();
  await page.getByRole('button', { name: 'Connect VNC' }).click();
  await expect(
    page.getByText('Connected to the VNC console of payments-db-0'),
  ).toBeVisible();
  const canvas = page.getByTestId('vnc-console').locator('canvas');
  await expect(canvas).toBeVisible();
  await expect(
    page.getByRole('button', { name: 'Send Ctrl+Alt+Del' }),
  ).toBeEnabled();
  // the guest's screen is drawn: the canvas holds more than the black background
  await expect
    .poll(
      () =>
        canvas.evaluate((c: HTMLCanvasElement) => {
          const data = c
            .getContext('2d')!
            .getImageData(0, 0, c.width, c.height).data;
          let lit = 0;
          for (let i = 0; i < data.length; i += 4)
            if (data[i] + data[i + 1] + data[i + 2] > 60) lit++;
          return lit;
        }),
      { timeout: 15_000 },
    )
    .toBeGreaterThan(1000);
  await page.screenshot({
    path: path.join(screenshots, 'vm-console-vnc.png'),
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Disconnect' }).click();
});

test('the Metrics tab charts a running VM, and the CPU chart of a started VM fills in', async ({
  page,
}) => {
  await signIn(page);
  await openVm(page, 'payments-db-1', 'Metrics', async p => {
    await expect(p.getByTestId('latest-CPU-used')).toContainText('cores', {
      timeout: 5_000,
    });
  });
  await expect(page.getByTestId('latest-Memory-used')).toContainText(/iB/);
  await page.screenshot({
    path: path.join(screenshots, 'vm-metrics.png'),
    fullPage: true,
  });

  // a stopped VM has no series; after a start its CPU shows up within a few scrapes
  await openVm(page, 'payments-batch', 'Overview', async p => {
    await expect(
      p
        .getByRole('toolbar', { name: 'VM actions' })
        .getByRole('button', { name: 'Start', exact: true }),
    ).toBeEnabled({ timeout: 3_000 });
  });
  await page
    .getByRole('toolbar', { name: 'VM actions' })
    .getByRole('button', { name: 'Start', exact: true })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(
    dialog.getByText('Done: payments-batch is Running.'),
  ).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('tab', { name: 'Metrics' }).click();
  await page.getByLabel('Range').click();
  await page.getByRole('option', { name: 'Last 15 minutes' }).click();
  await expect(page.getByTestId('latest-CPU-used')).toContainText('cores', {
    timeout: 120_000,
  });
  const d = await page.getByTestId('line-CPU-used').getAttribute('d');
  expect(d).toMatch(/^M[\d.]+,[\d.]+/);

  // leave it as it was
  await page
    .getByRole('toolbar', { name: 'VM actions' })
    .getByRole('button', { name: 'Stop', exact: true })
    .click();
  await dialog.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(
    dialog.getByText('Done: payments-batch is Stopped.'),
  ).toBeVisible({ timeout: 30_000 });
});
