import { expect, Page, test } from '@playwright/test';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { go, rowOf, screenshots, signIn } from './support';

/** A change made behind the portal's back, as another user's kubectl would: straight to the cluster. */
function patchInCluster(urlPath: string, patch: object): Promise<number> {
  const body = Buffer.from(JSON.stringify(patch));
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${process.env.KUBEVIRT_SIM_URL ?? 'https://127.0.0.1:7010'}${urlPath}`,
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

test('a service shows its VMs on its Virtual Machines tab; a start reaches Running and a stop Stopped without reload', async ({
  page,
}) => {
  await signIn(page);
  await page
    .getByRole('table')
    .first()
    .getByRole('link', { name: 'payments-api', exact: true })
    .click();
  // the entity page's tab, not the sidebar's Virtual Machines page
  await page
    .locator('a[href$="/component/payments-api/virtual-machines"]')
    .click();
  await expect(page).toHaveURL(/payments-api\/virtual-machines/);

  await expect(rowOf(page, 'payments-db-0')).toContainText('Running');
  await expect(rowOf(page, 'payments-db-1')).toContainText('Running');
  await expect(rowOf(page, 'payments-batch')).toContainText('Stopped');
  await expect(rowOf(page, 'payments-db-0')).toContainText(/10\.244\.\d+\.\d+/);
  await page.screenshot({
    path: path.join(screenshots, 'entity-virtual-machines-tab.png'),
    fullPage: true,
  });

  // right after start-up the broker may not know yet from the catalog that team-payments owns these VMs
  // (its ownership index refreshes every 30 s): until then the guest is only a viewer here
  await expect(async () => {
    await page.keyboard.press('Escape');
    await go(page, '/catalog/default/component/payments-api');
    await go(page, '/catalog/default/component/payments-api/virtual-machines');
    await page
      .getByRole('button', { name: 'Actions for payments-batch' })
      .click();
    await expect(
      page.getByRole('menuitem', { name: 'Start…', exact: true }),
    ).toBeEnabled({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await page.getByRole('menuitem', { name: 'Start…', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(
    dialog.getByText(/Waiting until payments-batch is Running/),
  ).toBeVisible();
  await page.screenshot({
    path: path.join(screenshots, 'vm-action-dialog.png'),
  });
  // the dialog and the row follow the VM by signals: no reload
  await expect(
    dialog.getByText('Done: payments-batch is Running.'),
  ).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(rowOf(page, 'payments-batch')).toContainText('Running', {
    timeout: 10_000,
  });

  await page
    .getByRole('button', { name: 'Actions for payments-batch' })
    .click();
  await page.getByRole('menuitem', { name: 'Stop…', exact: true }).click();
  await dialog.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(
    dialog.getByText('Done: payments-batch is Stopped.'),
  ).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(rowOf(page, 'payments-batch')).toContainText('Stopped', {
    timeout: 10_000,
  });
});

test('a VM page shows the VM without the catalog; a snapshot taken there becomes Ready', async ({
  page,
}) => {
  await signIn(page);
  await go(page, '/virtual-machines');
  await rowOf(page, 'payments-db-0')
    .getByRole('link', { name: 'payments-db-0' })
    .click();
  await expect(page).toHaveURL(
    /\/virtual-machines\/local-sim\/payments\/payments-db-0$/,
  );
  await expect(
    page.getByRole('heading', { name: 'payments-db-0' }),
  ).toBeVisible();
  const overview = page.getByRole('tabpanel');
  await expect(overview).toContainText(/10\.244\.\d+\.\d+/);
  await expect(overview).toContainText('u1.large');
  // as on the tab: the broker's ownership index may lag the catalog right after start-up
  await expect(async () => {
    await go(page, '/virtual-machines');
    await go(page, '/virtual-machines/local-sim/payments/payments-db-0');
    await expect(
      page
        .getByRole('toolbar', { name: 'VM actions' })
        .getByRole('button', { name: 'Stop', exact: true }),
    ).toBeEnabled({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await page.screenshot({
    path: path.join(screenshots, 'vm-page.png'),
    fullPage: true,
  });

  await page.getByRole('tab', { name: 'Snapshots' }).click();
  await page
    .getByRole('tabpanel')
    .getByRole('button', { name: 'Take snapshot' })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Snapshot name').fill('e2e-before-upgrade');
  await dialog.getByRole('button', { name: 'Snapshot', exact: true }).click();
  await expect(
    dialog.getByText('Done: snapshot e2e-before-upgrade is ready to use.'),
  ).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  const row = page
    .getByRole('tabpanel')
    .getByRole('row')
    .filter({ hasText: 'e2e-before-upgrade' });
  await expect(row).toContainText('Ready');
  await page.screenshot({
    path: path.join(screenshots, 'vm-page-snapshots.png'),
    fullPage: true,
  });

  await page.getByRole('tab', { name: 'YAML' }).click();
  await expect(page.getByRole('tabpanel')).toContainText(
    'kind: VirtualMachine',
  );

  // the VM's catalog entity (kind Resource, emitted by the catalog provider) carries the same page
  const entity = '/catalog/default/resource/payments-db-0.payments.local-sim';
  await expect(async () => {
    await go(page, '/virtual-machines');
    await go(page, entity);
    await expect(
      page.getByText('Virtual machine', { exact: true }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  await page.locator(`a[href$="${entity}/virtual-machine"]`).click();
  await expect(page.getByRole('toolbar', { name: 'VM actions' })).toBeVisible();
  await expect(page.getByRole('tabpanel')).toContainText('u1.large');
  await page.screenshot({
    path: path.join(screenshots, 'vm-catalog-entity.png'),
    fullPage: true,
  });
});

test('the guest only views VMs of another team: actions are disabled and name the role they need', async ({
  page,
}) => {
  await signIn(page);
  // the catalog lists only the guest's own services by default: go to the other team's service directly
  await go(page, '/catalog/default/component/orders-service/virtual-machines');
  await expect(rowOf(page, 'orders-worker-1')).toContainText('Running');
  await page
    .getByRole('button', { name: 'Actions for orders-worker-1' })
    .click();
  await expect(
    page.getByRole('menuitem', { name: 'Stop…', exact: true }),
  ).toHaveAttribute('aria-disabled', 'true');
  await page.keyboard.press('Escape');

  await rowOf(page, 'orders-worker-1')
    .getByRole('link', { name: 'orders-worker-1' })
    .click();
  const toolbar = page.getByRole('toolbar', { name: 'VM actions' });
  for (const action of [
    'Stop',
    'Restart',
    'Pause',
    'Migrate',
    'Snapshot',
    'Clone',
    'Force stop',
    'Delete',
  ]) {
    await expect(
      toolbar.getByRole('button', { name: action, exact: true }),
    ).toBeDisabled();
  }
  // a disabled button takes no pointer events: its wrapper carries the tooltip
  await toolbar
    .getByRole('button', { name: 'Stop', exact: true })
    .locator('..')
    .hover();
  await expect(page.getByRole('tooltip')).toContainText('it needs vm-user');
});

test('the Virtual Machines page lists every VM, filters by status, and error states stand out', async ({
  page,
}) => {
  await signIn(page);
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Virtual Machines' })
    .click();
  await expect(rowOf(page, 'orders-legacy')).toContainText(
    'ErrorUnschedulable',
  );
  await expect(rowOf(page, 'etl-runner')).toContainText('ErrImagePull');
  await expect(rowOf(page, 'orders-worker-2')).toContainText('Paused');
  await page.screenshot({
    path: path.join(screenshots, 'virtual-machines-page.png'),
    fullPage: true,
  });

  await page
    .getByRole('search', { name: 'VM filters' })
    .getByRole('button', { name: /Status/ })
    .click();
  await page.getByRole('option', { name: 'ErrorUnschedulable' }).click();
  await page.keyboard.press('Escape');
  await expect(page.getByText('Virtual machines (1)')).toBeVisible();
  await expect(rowOf(page, 'orders-legacy')).toBeVisible();
});

test('a stale YAML save shows what changed in the cluster and reloads the current version', async ({
  page,
}) => {
  await signIn(page);
  await expect(async () => {
    await go(page, '/virtual-machines');
    await go(page, '/virtual-machines/local-sim/payments/payments-batch');
    await page.getByRole('tab', { name: 'YAML' }).click();
    await expect(
      page.getByRole('button', { name: 'Edit', exact: true }),
    ).toBeEnabled({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const editor = page.getByLabel('VM YAML');
  const text = await editor.inputValue();
  expect(text).toContain('runStrategy: Halted');
  await editor.fill(text.replace('runStrategy: Halted', 'runStrategy: Manual'));

  // someone else changes the VM while the editor is open
  expect(
    await patchInCluster(
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines/payments-batch',
      {
        metadata: {
          annotations: { 'e2e.kubevirt.io/changed-by': 'someone-else' },
        },
      },
    ),
  ).toBe(200);

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText(/changed since you read it/)).toBeVisible();
  await expect(page.getByLabel('Changes')).toContainText(
    'e2e.kubevirt.io/changed-by: someone-else',
  );
  // the page scrolls the refusal into view: Save sits below the editor
  await expect(page.getByText(/changed since you read it/)).toBeInViewport();
  await page.screenshot({
    path: path.join(screenshots, 'vm-yaml-conflict.png'),
  });
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByLabel('VM YAML')).toHaveValue(
    /e2e\.kubevirt\.io\/changed-by: someone-else/,
  );
  await expect(page.getByLabel('VM YAML')).toHaveValue(/runStrategy: Halted/);
});
