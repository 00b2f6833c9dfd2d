import { expect, Page, test } from '@playwright/test';
import path from 'node:path';
import { go, rowOf, screenshots, signIn } from './support';

test('selected VMs are snapshotted together, each with its own result', async ({
  page,
}) => {
  // the first test of a run may meet a backend and app that are still warming up
  test.setTimeout(240_000);
  await signIn(page);
  const bar = page.getByRole('toolbar', { name: 'Bulk actions' });
  // the broker's ownership index may lag the catalog right after start-up: until then the guest only views
  await expect(async () => {
    await go(page, '/catalog');
    await go(page, '/virtual-machines');
    await rowOf(page, 'payments-db-0').getByRole('checkbox').check();
    await expect(bar).toContainText('1 selected');
    await rowOf(page, 'payments-db-1').getByRole('checkbox').check();
    await expect(bar).toContainText('2 selected');
    await expect(
      bar.getByRole('button', { name: 'Snapshot selected' }),
    ).toBeEnabled({ timeout: 3_000 });
  }).toPass({ timeout: 180_000 });
  await expect(bar).toContainText('2 selected');
  await bar.getByRole('button', { name: 'Snapshot selected' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText('Snapshot 2 VMs')).toBeVisible();
  await dialog.getByRole('button', { name: 'Snapshot', exact: true }).click();
  await expect(dialog.getByText('2 of 2 done.')).toBeVisible({
    timeout: 30_000,
  });
  await expect(dialog.getByText(/Done: snapshot payments-db-0-/)).toBeVisible();
  await expect(dialog.getByText(/Done: snapshot payments-db-1-/)).toBeVisible();
  await page.screenshot({
    path: path.join(screenshots, 'vm-bulk-snapshot.png'),
  });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(bar).toBeHidden();
});
