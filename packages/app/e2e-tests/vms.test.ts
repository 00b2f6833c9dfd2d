import { expect, test } from '@playwright/test';
import path from 'node:path';

const screenshots = path.resolve(__dirname, '../../../docs/screenshots');

test('a service shows its VMs live on the Virtual Machines tab, and a stop reaches Stopped without reload', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('table').first().getByRole('link', { name: 'payments-api', exact: true }).click();
  // the entity page's tab, not the sidebar's Virtual Machines page
  await page.locator('a[href$="/component/payments-api/virtual-machines"]').click();
  await expect(page).toHaveURL(/payments-api\/virtual-machines/);

  const table = page.getByRole('table').first();
  const row = (name: string) => table.getByRole('row').filter({ hasText: name });
  await expect(row('payments-db-0')).toContainText('Running');
  await expect(row('payments-db-1')).toContainText('Running');
  await expect(row('payments-batch')).toContainText('Stopped');
  await expect(row('payments-db-0')).toContainText(/10\.244\.\d+\.\d+/);
  await page.screenshot({ path: path.join(screenshots, 'entity-virtual-machines-tab.png'), fullPage: true });

  await page.getByRole('button', { name: 'Actions for payments-db-1' }).click();
  await page.getByRole('menuitem', { name: 'Stop', exact: true }).click();
  // the broker's signal refreshes the tab: no reload, no polling
  await expect(row('payments-db-1')).toContainText('Stopped', { timeout: 20_000 });

  await page.getByRole('button', { name: 'Actions for payments-db-1' }).click();
  await page.getByRole('menuitem', { name: 'Start', exact: true }).click();
  await expect(row('payments-db-1')).toContainText('Running', { timeout: 20_000 });
});

test('the Virtual Machines page lists every VM, with error states', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', { name: 'Virtual Machines' }).click();
  const table = page.getByRole('table').first();
  await expect(page.getByText(/Virtual machines \(11\)/)).toBeVisible();
  await expect(table.getByRole('row').filter({ hasText: 'orders-legacy' })).toContainText('ErrorUnschedulable');
  await expect(table.getByRole('row').filter({ hasText: 'etl-runner' })).toContainText('ErrImagePull');
  await expect(table.getByRole('row').filter({ hasText: 'orders-worker-2' })).toContainText('Paused');
  await page.screenshot({ path: path.join(screenshots, 'virtual-machines-page.png'), fullPage: true });
});
