import { expect, Page, test } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { go, screenshots } from './support';

const backend = 'http://localhost:7007';
const SSH_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGUyZS10ZW1wbGF0ZS1rZXktbm90LWEtcmVhbC1vbmU guest@e2e';

/**
 * The guest's VM rights come from its group (team-payments), which the sign-in
 * reads from the catalog: sign in only once the catalog holds the guest.
 */
async function guestToken(page: Page): Promise<string> {
  const auth = await page.request.get(`${backend}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  return (await auth.json()).backstageIdentity?.token;
}

async function waitForGuestInCatalog(page: Page) {
  await expect
    .poll(
      async () => {
        const token = await guestToken(page);
        const user = await page.request.get(
          `${backend}/api/catalog/entities/by-name/user/development/guest`,
          {
            headers: { Authorization: `Bearer ${token}` },
          },
        );
        return user.status();
      },
      { timeout: 60_000 },
    )
    .toBe(200);
}

async function signIn(page: Page) {
  await waitForGuestInCatalog(page);
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('heading', { name: /Owned Components/ }).first(),
  ).toBeVisible();
}

async function pickFromAutocomplete(page: Page, label: RegExp, text: string) {
  const input = page
    .getByRole('combobox', { name: label })
    .or(page.getByLabel(label))
    .first();
  await input.click();
  await input.fill(text);
  await page
    .getByRole('option', { name: new RegExp(text) })
    .first()
    .click();
}

test('the guest requests a Linux VM from the Create page, the task finishes and its link opens the VM page, Running', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const name = `e2e-vm-${Date.now().toString(36)}`;
  await signIn(page);
  await go(page, '/create');
  const card = page
    .locator('[class*="MuiCard-root"]')
    .filter({ hasText: 'Linux virtual machine' })
    .filter({ hasNotText: 'Service with a VM' });
  await card.getByRole('button', { name: 'Choose' }).click();

  // page 1: name, owner, the service it serves
  await page.getByLabel(/^VM name/).fill(name);
  await pickFromAutocomplete(page, /^Owner/, 'team-payments');
  await pickFromAutocomplete(page, /^Service/, 'payments-api');
  await page.getByRole('button', { name: 'Next' }).click();

  // page 2: the KubeVirt pickers read the broker as the guest
  // two clusters in this suite (the lab cluster of cluster-status.test.ts): the picker asks
  const cluster = page.getByLabel(/^Cluster/);
  await expect(cluster.locator('option')).toHaveText([
    'Choose cluster',
    /\(local-sim\)$/,
    /\(lab-sim\)$/,
  ]);
  await cluster.selectOption('local-sim');
  const namespace = page.getByLabel(/^Namespace/);
  // only where the guest may create: payments, not orders/data/platform
  await expect(namespace.locator('option')).toHaveText([
    'Choose namespace',
    'payments',
  ]);
  await namespace.selectOption('payments');
  await page
    .getByLabel(/^Operating system/)
    .selectOption('kubevirt-os-images/fedora');
  const size = page.getByLabel(/^Size/);
  // sizes show vCPU and memory, smallest first
  await expect(size.locator('option').nth(1)).toHaveText(
    /^u1\.small .*— 1 vCPU, 2 GiB memory$/,
  );
  await size.selectOption('u1.small');
  await page.screenshot({
    path: path.join(screenshots, 'template-form-pickers.png'),
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Next' }).click();

  // page 3: the key goes to the task's secrets, not its parameters
  await page.getByLabel(/^SSH public key/).fill(SSH_KEY);
  // the Secret field hands its value to the form's secrets after a 300 ms pause in typing
  await page.waitForTimeout(500);
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText(name).first()).toBeVisible();

  const started = Date.now();
  await page.getByRole('button', { name: 'Create' }).click();
  const open = page.getByRole('link', { name: 'Open the VM' });
  await expect(open).toBeVisible({ timeout: 120_000 });
  const taskDone = Date.now();
  await expect(page.getByText(/is \**Running\**/).first()).toBeVisible();
  await page.screenshot({
    path: path.join(screenshots, 'template-task-finished.png'),
    fullPage: true,
  });

  await open.click();
  await expect(page).toHaveURL(
    new RegExp(`/virtual-machines/local-sim/payments/${name}$`),
  );
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(
    page.getByRole('tabpanel').getByText('Running').first(),
  ).toBeVisible({ timeout: 30_000 });
  const running = Date.now();
  await page.screenshot({
    path: path.join(screenshots, 'template-vm-page.png'),
    fullPage: true,
  });

  test.info().annotations.push({
    type: 'timing',
    description: `Create click → task finished ${
      (taskDone - started) / 1000
    }s; → VM page showing Running ${(running - started) / 1000}s`,
  });
  // the figure the issue asks for, printed for the run's log
  // eslint-disable-next-line no-console
  console.log(
    `[timing] ${name}: Create → task finished ${(
      (taskDone - started) /
      1000
    ).toFixed(1)} s, Create → VM page Running ${(
      (running - started) /
      1000
    ).toFixed(1)} s`,
  );

  // the key reached the VM (as a Secret behind accessCredentials), not the task's parameters
  const vm = await page.request.get(
    `${backend}/api/kubevirt/vms/local-sim/payments/${name}`,
    {
      headers: { Authorization: `Bearer ${await guestToken(page)}` },
    },
  );
  expect(
    (await vm.json()).vm.spec.template.spec.accessCredentials[0].sshPublicKey
      .source.secret.secretName,
  ).toBe(`${name}-ssh-key`);

  // and the VM is in the catalog, owned by team-payments, serving payments-api
  await go(page, `/catalog/default/resource/${name}.payments.local-sim`);
  await expect(page.getByText('team-payments').first()).toBeVisible({
    timeout: 30_000,
  });
});

test('"Service with a VM" registers the new service without a git host; its database VM is on its Virtual Machines tab', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const name = `e2e-svc-${Date.now().toString(36)}`;
  const localFile = path.resolve(
    __dirname,
    `../../../.tools/cache/local-catalog/component.default.${name}.yaml`,
  );
  try {
    await signIn(page);
    await go(page, '/create');
    const card = page
      .locator('[class*="MuiCard-root"]')
      .filter({ hasText: 'Service with a VM' })
      .filter({ hasNotText: 'Linux virtual machine' });
    await card.getByRole('button', { name: 'Choose' }).click();

    await page.getByLabel(/^Service name/).fill(name);
    await pickFromAutocomplete(page, /^Owner/, 'team-payments');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByLabel(/^Cluster/).selectOption('local-sim');
    await page.getByLabel(/^Namespace/).selectOption('payments');
    await page
      .getByLabel(/^Operating system/)
      .selectOption('kubevirt-os-images/ubuntu');
    await page.getByLabel(/^Size/).selectOption('u1.medium');
    await page.getByRole('button', { name: 'Next' }).click();

    // the local default: no repository needed
    await expect(
      page.getByText('This portal only (no git host)').first(),
    ).toBeVisible();
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();

    const service = page.getByRole('link', { name: 'The service' });
    await expect(service).toBeVisible({ timeout: 120_000 });
    await service.click();
    await expect(page.getByRole('heading', { name }).first()).toBeVisible({
      timeout: 30_000,
    });
    await page
      .locator(`a[href$="/component/${name}/virtual-machines"]`)
      .click();
    const row = page
      .getByRole('table')
      .first()
      .getByRole('row')
      .filter({
        has: page.getByRole('link', { name: `${name}-db`, exact: true }),
      });
    await expect(row).toContainText('Running', { timeout: 30_000 });
    await page.screenshot({
      path: path.join(screenshots, 'template-service-vm-tab.png'),
      fullPage: true,
    });
  } finally {
    // the demo simulator forgets its VMs on restart; the locally registered component would stay
    await fs.rm(localFile, { force: true });
  }
});

test('the installed-actions page documents the kubevirt actions with their examples', async ({
  page,
}) => {
  await signIn(page);
  await go(page, '/create/actions');
  for (const id of [
    'kubevirt:vm:create',
    'kubevirt:vm:action',
    'kubevirt:vm:snapshot',
    'kubevirt:vm:delete',
    'kubevirt:vm:wait',
    'kubevirt:catalog:register-local',
  ]) {
    await expect(page.getByText(id, { exact: true }).first()).toBeVisible();
  }
  // the action's page: its inputs with descriptions, and the examples
  await page.getByText('kubevirt:vm:create', { exact: true }).first().click();
  await expect(page.getByText('sshPublicKey').first()).toBeVisible();
  await expect(page.getByText(/never logged/).first()).toBeVisible();
  await page.screenshot({
    path: path.join(screenshots, 'template-installed-actions.png'),
    fullPage: true,
  });
});
