import { expect, test } from '@playwright/test';
import path from 'node:path';
import { go, screenshots, signIn } from './support';

const backend = 'http://localhost:7007';

// the demo guest holds vm-admin only on its own VMs in payments (app-config.yaml): a node carries every
// team's VMs, so node maintenance (kubevirt.node.maintenance) needs vm-admin without a scope
test('node maintenance is offered only to a vm-admin on every VM: disabled with the role for the demo guest, and refused by the broker', async ({
  page,
  request,
}) => {
  await signIn(page);
  await go(page, '/virtual-machines');
  await go(page, '/virtual-machines/local-sim/payments/payments-db-0');
  const maintenance = page.getByRole('button', {
    name: 'Maintenance',
    exact: true,
  });
  await expect(maintenance).toBeVisible({ timeout: 60_000 });
  await expect(maintenance).toBeDisabled();
  await maintenance.locator('..').hover();
  await expect(
    page.getByRole('tooltip', {
      name: 'Your VM role does not allow node maintenance; it needs vm-admin on every VM',
    }),
  ).toBeVisible();
  await page.screenshot({
    path: path.join(screenshots, 'node-maintenance-denied.png'),
    fullPage: true,
  });

  const refresh = await request.get(
    `${backend}/api/auth/guest/refresh?env=development`,
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  const { backstageIdentity } = await refresh.json();
  const res = await request.post(
    `${backend}/api/kubevirt/clusters/local-sim/nodes/node-a/maintenance`,
    {
      headers: { Authorization: `Bearer ${backstageIdentity.token}` },
      data: { dryRun: true },
    },
  );
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toBe(
    'You may not put nodes of cluster local-sim into maintenance: it needs kubevirt.node.maintenance (vm-admin, on every VM)',
  );
});
