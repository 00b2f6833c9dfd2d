import { expect, Page, test } from '@playwright/test';
import path from 'node:path';
import { go, screenshots, signIn } from './support';

test('the catalog lists every VM as a Resource of type virtual-machine, and a service shows its VMs among its relations', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signIn(page);
  // the provider's first full mutation follows the broker's first sync: allow for a cold start
  await expect(async () => {
    // the catalog page (mounted at /) reads its filters from the URL when it mounts: come from another page
    await go(page, '/catalog/default/component/payments-api');
    await go(
      page,
      '/?filters%5Bkind%5D=resource&filters%5Btype%5D=virtual-machine&filters%5Buser%5D=all',
    );
    await expect(
      page
        .getByRole('table')
        .first()
        .getByRole('link', { name: 'payments-db-0', exact: true }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  const table = page.getByRole('table').first();
  // the demo world's VMs, across the four namespaces, by their titles (the VM names)
  for (const vm of [
    'payments-db-1',
    'payments-batch',
    'orders-worker-1',
    'orders-legacy',
    'search-indexer-0',
    'bastion',
  ]) {
    await expect(
      table.getByRole('link', { name: vm, exact: true }),
    ).toBeVisible();
  }
  // a VM's row carries its status class and OS as tags
  const db0 = table.getByRole('row').filter({
    has: page.getByRole('link', { name: 'payments-db-0', exact: true }),
  });
  await expect(db0).toContainText('running');
  await expect(db0).toContainText('fedora');
  await page.screenshot({
    path: path.join(screenshots, 'catalog-vms.png'),
    fullPage: true,
  });

  // the VM entity: owned like its service, part of its system, a dependency of it
  await go(page, '/catalog/default/resource/payments-db-0.payments.local-sim');
  await expect(page.getByText('team-payments').first()).toBeVisible();
  await expect(page.getByText('commerce').first()).toBeVisible();

  // payments-api depends on its three VMs (dependencyOf on the VM side)
  await go(page, '/catalog/default/component/payments-api');
  const card = page
    .locator('.MuiCard-root, article')
    .filter({ hasText: 'Depends on resources' })
    .last();
  for (const vm of ['payments-db-0', 'payments-db-1', 'payments-batch']) {
    await expect(card.getByRole('link', { name: vm, exact: true })).toBeVisible(
      { timeout: 30_000 },
    );
  }
  await expect(
    card.getByRole('link', { name: 'orders-worker-1', exact: true }),
  ).toHaveCount(0);
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: path.join(screenshots, 'component-vm-relations.png'),
    fullPage: true,
  });
});
