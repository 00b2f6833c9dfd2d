import { expect, test } from '@playwright/test';
import path from 'node:path';
import { go, screenshots, signIn } from './support';

test('the cluster status card shows both clusters; the lab cluster lacks HotplugVolumes and the broker a right there', async ({
  page,
}) => {
  await signIn(page);
  await go(page, '/virtual-machines');
  const card = page.getByRole('table', { name: 'Cluster status' });
  await expect(card).toBeVisible();

  const local = card.getByRole('row', { name: 'local-sim' });
  await expect(local).toContainText('Reachable, credentials accepted');
  await expect(local).toContainText(/Synced \(\d+ VMs\)/);
  await expect(local).toContainText('v1.6.0');
  await expect(local).toContainText('HotplugVolumes');
  await expect(local.getByText('None', { exact: true })).toBeVisible();

  // lab-cluster/start.js: no HotplugVolumes gate, and the broker's role without update on virtualmachines/migrate
  const lab = card.getByRole('row', { name: 'lab-sim' });
  await expect(lab).toContainText('Lab KubeVirt (simulator)');
  await expect(lab).toContainText('Reachable, credentials accepted');
  await expect(lab).toContainText('Synced (0 VMs)');
  await expect(lab).toContainText('Snapshot, ExpandDisks, VMExport');
  await expect(lab.getByLabel('Off on lab-sim')).toContainText('Disk hot-plug');
  await expect(
    lab.getByRole('list', { name: 'Missing rights on lab-sim' }),
  ).toHaveText(
    'update virtualmachines/migrate (subresources.kubevirt.io): live migration, node evacuation (disabled: migrate)',
  );

  await card.scrollIntoViewIfNeeded();
  await card.screenshot({
    path: path.join(screenshots, 'cluster-status.png'),
  });
});
