import { expect, test } from '@playwright/test';
import path from 'node:path';
import { go, screenshots, signIn } from './support';

test('the Diagnostics tab shows what the guest agent reports, and why not for a stopped VM', async ({
  page,
}) => {
  await signIn(page);
  await go(page, '/virtual-machines');
  await go(page, '/virtual-machines/local-sim/payments/payments-db-0');
  await page.getByRole('tab', { name: 'Diagnostics' }).click();

  const panel = page.getByRole('tabpanel', { name: 'Diagnostics' });
  // hostname, OS and kernel as the simulated guest agent reports them (guestosinfo)
  await expect(panel.getByText('payments-db-0', { exact: true })).toBeVisible();
  await expect(panel.getByText(/Fedora Linux/)).toBeVisible();
  await expect(panel.getByText('UTC (UTC+00:00)')).toBeVisible();
  // file systems with usage (filesystemlist) and logged-in users (userlist)
  const fileSystems = panel.getByRole('table', { name: 'File systems' });
  await expect(fileSystems.getByRole('row')).toHaveCount(3);
  await expect(
    fileSystems.getByRole('progressbar', { name: '/ usage' }),
  ).toBeVisible();
  await expect(fileSystems.getByText(/GiB of 30\.0 GiB used/)).toBeVisible();
  await expect(
    panel.getByRole('table', { name: 'Logged-in users' }).getByText('fedora'),
  ).toBeVisible();
  await page.screenshot({
    path: path.join(screenshots, 'vm-diagnostics.png'),
    fullPage: true,
  });

  await go(page, '/virtual-machines/local-sim/payments/payments-batch');
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  await expect(
    page
      .getByRole('tabpanel', { name: 'Diagnostics' })
      .getByText(
        'The VM is not running (Stopped): only a running guest can report.',
      ),
  ).toBeVisible();
});
