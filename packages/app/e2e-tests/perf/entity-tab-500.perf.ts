/* eslint-disable no-console */
import { expect, Page, test } from '@playwright/test';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';

/**
 * How long the Virtual Machines tab of a service with 500 VMs takes to become
 * interactive in Chromium: from the in-app navigation to the tab until its
 * first page of rows is drawn and a row's action menu opens.
 *
 * It adds 497 stopped VMs labelled backstage.io/kubernetes-id=payments-api
 * (next to the demo's 3) to the running simulator in namespace perf-500,
 * measures, and deletes them again.
 */
const simulator = process.env.KUBEVIRT_SIM_URL ?? 'https://127.0.0.1:7010';
const ca = fs.readFileSync(
  path.resolve(__dirname, '../../../../.tools/cache/kubevirt-simulator/ca.crt'),
);
const namespace = 'perf-500';
const TOTAL = 500;
const ROUNDS = 5;

function kube(
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data =
      body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = https.request(
      `${simulator}${urlPath}`,
      {
        method,
        ca,
        headers: {
          Authorization: 'Bearer simulator-admin-token',
          ...(data
            ? {
                'Content-Type': 'application/json',
                'Content-Length': data.length,
              }
            : {}),
        },
      },
      res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

const vm = (name: string) => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachine',
  metadata: {
    name,
    namespace,
    labels: {
      'backstage.io/kubernetes-id': 'payments-api',
      'perf.kubevirt.io/run': 'entity-tab-500',
    },
  },
  spec: {
    runStrategy: 'Halted',
    instancetype: {
      kind: 'VirtualMachineClusterInstancetype',
      name: 'u1.small',
    },
    preference: { kind: 'VirtualMachineClusterPreference', name: 'fedora' },
    template: {
      spec: {
        domain: {
          devices: {
            disks: [{ name: 'rootdisk', disk: { bus: 'virtio' } }],
            interfaces: [{ name: 'default', masquerade: {} }],
          },
        },
        networks: [{ name: 'default', pod: {} }],
        volumes: [
          {
            name: 'rootdisk',
            containerDisk: { image: 'quay.io/containerdisks/fedora:41' },
          },
        ],
      },
    },
  },
});

async function inBatches<T>(
  items: T[],
  size: number,
  fn: (item: T) => Promise<unknown>,
) {
  for (let i = 0; i < items.length; i += size)
    await Promise.all(items.slice(i, i + size).map(fn));
}

async function addVms(count: number) {
  const ns = await kube('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  if (ns.status >= 300 && ns.status !== 409)
    throw new Error(`namespace ${namespace}: ${ns.status} ${ns.text}`);
  const names = Array.from(
    { length: count },
    (_, i) => `perf-vm-${String(i).padStart(3, '0')}`,
  );
  await inBatches(names, 25, async name => {
    const res = await kube(
      'POST',
      `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachines`,
      vm(name),
    );
    if (res.status >= 300 && res.status !== 409)
      throw new Error(`${name}: ${res.status} ${res.text}`);
  });
}

async function removeVms() {
  await kube(
    'DELETE',
    `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachines`,
  );
  await kube('DELETE', `/api/v1/namespaces/${namespace}`);
}

async function go(page: Page, to: string) {
  await page.evaluate(target => {
    window.history.pushState({}, '', target);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, to);
}

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('entity tab with 500 VMs: time to interactive', async ({ page }) => {
  const existing = JSON.parse(
    (
      await kube(
        'GET',
        '/apis/kubevirt.io/v1/virtualmachines?labelSelector=backstage.io%2Fkubernetes-id%3Dpayments-api',
      )
    ).text,
  );
  const others = (
    existing.items as { metadata: { namespace: string } }[]
  ).filter(i => i.metadata.namespace !== namespace).length;
  await addVms(TOTAL - others);
  try {
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(
      page
        .getByRole('table')
        .first()
        .getByRole('link', { name: 'payments-api', exact: true }),
    ).toBeVisible();
    const tab = '/catalog/default/component/payments-api/virtual-machines';
    const title = page.getByText(`Virtual machines of payments-api (${TOTAL})`);
    // warm-up: the broker's cache has all 500, the tab's code is loaded
    await go(page, tab);
    await expect(title).toBeVisible({ timeout: 120_000 });

    const times: number[] = [];
    const listCalls: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await go(page, '/catalog/default/component/payments-api');
      await expect(title).toHaveCount(0);
      await page.evaluate(() => performance.clearResourceTimings());
      const start = Date.now();
      await go(page, tab);
      await expect(title).toBeVisible();
      const menu = page.getByRole('button', { name: /^Actions for / }).first();
      await menu.click();
      await expect(page.getByRole('menu')).toBeVisible();
      times.push(Date.now() - start);
      await page.keyboard.press('Escape');
      const call = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .filter(e => e.name.includes('/api/kubevirt/vms?'))
          .map(e => e.duration)
          .pop(),
      );
      if (call !== undefined) listCalls.push(Math.round(call));
    }
    // the largest page the tab offers: 100 rows drawn at once
    const bigPage: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await page
        .getByRole('button', { name: /Rows per page/ })
        .or(page.getByRole('button', { name: /^(20|100)$/ }))
        .first()
        .click();
      await page.getByRole('option', { name: '20' }).click();
      await expect(
        page.getByRole('table').first().getByRole('row'),
      ).toHaveCount(21);
      const start = Date.now();
      await page
        .getByRole('button', { name: /Rows per page/ })
        .or(page.getByRole('button', { name: /^(20|100)$/ }))
        .first()
        .click();
      await page.getByRole('option', { name: '100' }).click();
      await expect(
        page.getByRole('table').first().getByRole('row'),
      ).toHaveCount(101);
      await page
        .getByRole('button', { name: /^Actions for / })
        .nth(99)
        .click();
      await expect(page.getByRole('menu')).toBeVisible();
      bigPage.push(Date.now() - start);
      await page.keyboard.press('Escape');
    }
    const rows = await page.getByRole('table').first().getByRole('row').count();
    console.log(
      `entity tab with ${TOTAL} VMs (first page of 20 drawn, row menu open), ${ROUNDS} in-app navigations in Chromium:`,
    );
    console.log(
      `  time to interactive ms: ${times.join(', ')}; median ${median(
        times,
      )} ms`,
    );
    console.log(
      `  broker list call (offset/limit page) ms: ${listCalls.join(
        ', ',
      )}; median ${median(listCalls)} ms`,
    );
    console.log(
      `  100 rows per page (from choosing 100 to the 100th row's menu open) ms: ${bigPage.join(
        ', ',
      )}; median ${median(bigPage)} ms`,
    );
    console.log(
      `  table rows in the DOM at the end: ${rows} (header included)`,
    );
  } finally {
    await removeVms();
  }
});
