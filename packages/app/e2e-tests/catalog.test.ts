import { expect, test } from '@playwright/test';
import path from 'node:path';
import { screenshots } from './support';

test('a guest signs in and finds the demo services in the catalog', async ({
  page,
}) => {
  await page.goto('/');

  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  // The catalog opens on "Owned": the guest belongs to team-payments only.
  await expect(
    page.getByRole('heading', { name: /Owned Components \(1\)/ }).first(),
  ).toBeVisible();
  const table = page.getByRole('table').first();
  await expect(
    table.getByRole('link', { name: 'payments-api', exact: true }),
  ).toBeVisible();
  await expect(
    table.getByRole('link', { name: 'orders-service', exact: true }),
  ).toHaveCount(0);

  // "All" lists every demo service with its owner.
  await page.getByRole('menuitem', { name: /^All/ }).click();
  for (const name of [
    'payments-api',
    'orders-service',
    'search-indexer',
    'platform-bastion',
  ]) {
    await expect(table.getByRole('link', { name, exact: true })).toBeVisible();
  }
  await expect(
    table.getByRole('link', { name: 'team-orders', exact: true }),
  ).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'catalog.png') });

  await table.getByRole('link', { name: 'payments-api', exact: true }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/payments-api/);
  await expect(
    page.getByText('Card payments API; its PostgreSQL runs on VMs').first(),
  ).toBeVisible();
});
