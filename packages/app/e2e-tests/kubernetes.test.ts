import { expect, test } from '@playwright/test';
import path from 'node:path';
import { screenshots } from './support';

test('the Kubernetes tab of a service shows its VMs from the embedded KubeVirt cluster', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  // sign-in lives in the page: navigate by clicking, not by reloading
  await page
    .getByRole('table')
    .first()
    .getByRole('link', { name: 'payments-api', exact: true })
    .click();
  await page
    .getByRole('tab', { name: /Kubernetes/ })
    .or(page.getByRole('link', { name: /Kubernetes/ }))
    .first()
    .click();
  await expect(page).toHaveURL(/payments-api\/kubernetes/);
  const cluster = page.getByText('Local KubeVirt (simulator)').first();
  await expect(cluster).toBeVisible();
  await expect(
    page.getByText('There was a problem retrieving Kubernetes objects'),
  ).toHaveCount(0);
  await cluster.click();
  for (const vm of ['payments-db-0', 'payments-db-1', 'payments-batch']) {
    await expect(page.getByText(vm).first()).toBeVisible();
  }
  await page.screenshot({
    path: path.join(screenshots, 'kubernetes-tab-vms.png'),
    fullPage: true,
  });
});
