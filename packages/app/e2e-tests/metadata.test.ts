import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { go, screenshots, signIn } from './support';

const VM = { namespace: 'payments', name: 'payments-db-1' };

/** A label change made behind the portal's back, as the cluster's admin (a merge patch). */
function labelInCluster(labels: Record<string, string | null>) {
  const body = Buffer.from(JSON.stringify({ metadata: { labels } }));
  return new Promise<number>((resolve, reject) => {
    const req = https.request(
      `${
        process.env.KUBEVIRT_SIM_URL ?? 'https://127.0.0.1:7010'
      }/apis/kubevirt.io/v1/namespaces/${VM.namespace}/virtualmachines/${
        VM.name
      }`,
      {
        method: 'PATCH',
        ca: fs.readFileSync(
          path.resolve(
            __dirname,
            '../../../.tools/cache/kubevirt-simulator/ca.crt',
          ),
        ),
        headers: {
          Authorization: 'Bearer simulator-admin-token',
          'Content-Type': 'application/merge-patch+json',
          'Content-Length': body.length,
        },
      },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('labels and annotations are edited from the overview; a change made meanwhile is shown and reloaded', async ({
  page,
}) => {
  // a run before this one may have left its labels
  expect(await labelInCluster({ 'e2e-tier': null, 'e2e-by': null })).toBe(200);
  await signIn(page);
  await go(page, '/virtual-machines');
  await go(page, `/virtual-machines/local-sim/${VM.namespace}/${VM.name}`);
  const edit = page.getByRole('button', {
    name: 'Edit labels and annotations',
  });
  await expect(edit).toBeEnabled({ timeout: 60_000 });

  await edit.click();
  const labels = page.getByRole('group', { name: 'Edit labels' });
  await labels.getByRole('button', { name: 'Add label' }).click();
  await labels
    .locator('input[aria-label="label key"]:not([disabled])')
    .fill('e2e-tier');
  await labels.getByLabel('value of label e2e-tier').fill('database');
  await page.screenshot({
    path: path.join(screenshots, 'vm-metadata-edit.png'),
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved: e2e-tier changed.')).toBeVisible();
  await expect(
    page.getByRole('list', { name: 'Labels' }).getByText('e2e-tier=database'),
  ).toBeVisible();

  // the editor opens at the version the page shows; the cluster moves on before Save
  await edit.click();
  await page
    .getByRole('group', { name: 'Edit labels' })
    .getByLabel('value of label e2e-tier')
    .fill('db');
  expect(await labelInCluster({ 'e2e-by': 'someone-else' })).toBe(200);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText(/changed since you read it/)).toBeVisible();
  await expect(
    page
      .getByLabel('Changes in the cluster')
      .getByText('+ label e2e-by=someone-else'),
  ).toBeVisible();
  await page.screenshot({
    path: path.join(screenshots, 'vm-metadata-conflict.png'),
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Reload', exact: true }).click();
  await expect(
    page
      .getByRole('group', { name: 'Edit labels' })
      .getByLabel('value of label e2e-by'),
  ).toHaveValue('someone-else');
  await page
    .getByRole('group', { name: 'Edit labels' })
    .getByLabel('value of label e2e-tier')
    .fill('db');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved: e2e-tier changed.')).toBeVisible();
  await expect(
    page.getByRole('list', { name: 'Labels' }).getByText('e2e-tier=db'),
  ).toBeVisible();
  // leave the VM as it was
  expect(await labelInCluster({ 'e2e-tier': null, 'e2e-by': null })).toBe(200);
});
