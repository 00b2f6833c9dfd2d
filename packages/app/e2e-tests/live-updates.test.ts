import { APIRequestContext, expect, test } from '@playwright/test';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { go, rowOf, signIn } from './support';

const backend = 'http://localhost:7007';
const bastion = {
  cluster: 'local-sim',
  namespace: 'platform',
  name: 'bastion',
};

/** A VM action made behind the portal's back, straight at the cluster's subresource as its admin. */
function actInCluster(action: 'start' | 'stop'): Promise<number> {
  const body = Buffer.from('{}');
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${
        process.env.KUBEVIRT_SIM_URL ?? 'https://127.0.0.1:7010'
      }/apis/subresources.kubevirt.io/v1/namespaces/${
        bastion.namespace
      }/virtualmachines/${bastion.name}/${action}`,
      {
        method: 'PUT',
        ca: fs.readFileSync(
          path.resolve(
            __dirname,
            '../../../.tools/cache/kubevirt-simulator/ca.crt',
          ),
        ),
        headers: {
          Authorization: 'Bearer simulator-admin-token',
          'Content-Type': 'application/json',
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

/** A kubevirt request as a signed-in user makes it, without a browser. */
async function kubevirtRequest(request: APIRequestContext) {
  const refresh = await request.get(
    `${backend}/api/auth/guest/refresh?env=development`,
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(refresh.ok()).toBe(true);
  const { backstageIdentity } = await refresh.json();
  const res = await request.get(
    `${backend}/api/kubevirt/vms?namespace=${bastion.namespace}`,
    { headers: { Authorization: `Bearer ${backstageIdentity.token}` } },
  );
  expect(res.status()).toBe(200);
  return (await res.json()) as { items: { name: string; status: string }[] };
}

test('a page opened long after the backend started, and after it served kubevirt requests, still gets live updates', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  // the backend (started by Playwright, restarted by the dev server on file changes) is up from here on
  await expect
    .poll(
      async () =>
        (
          await request
            .get(`${backend}/.backstage/health/v1/readiness`)
            .catch(() => undefined)
        )?.status(),
      { timeout: 120_000 },
    )
    .toBe(200);
  const upSince = Date.now();
  // the broker serves a request first, so its console listener is on the server before any signals socket
  const before = await kubevirtRequest(request);
  expect(before.items.find(vm => vm.name === bastion.name)?.status).toBe(
    'Running',
  );
  await page.waitForTimeout(Math.max(0, upSince + 30_000 - Date.now()));

  // what the page subscribes to on its signals socket; a subscribe is sent only on an open socket
  const subscribed = new Set<string>();
  page.on('websocket', ws => {
    if (!ws.url().endsWith('/api/signals')) return;
    ws.on('framesent', frame => {
      try {
        const message = JSON.parse(String(frame.payload));
        if (message.action === 'subscribe') subscribed.add(message.channel);
      } catch {
        // not a signals message
      }
    });
  });
  await signIn(page);
  await go(page, '/virtual-machines');
  await expect(rowOf(page, bastion.name)).toContainText('Running');
  const channel = `kubevirt:vm:${bastion.cluster}/${bastion.namespace}/${bastion.name}`;
  // the signals client gives up on a first handshake after 1 s and tries again 5 s later
  await expect
    .poll(() => subscribed.has(channel), {
      message: `the page never subscribed to ${channel} on an open signals socket`,
      timeout: 30_000,
    })
    .toBe(true);

  let stopped = false;
  try {
    expect(await actInCluster('stop')).toBe(202);
    stopped = true;
    // no reload, no click: only a signal makes the list read the VM again
    await expect(rowOf(page, bastion.name)).toContainText('Stopped', {
      timeout: 30_000,
    });
    expect(await actInCluster('start')).toBe(202);
    stopped = false;
    await expect(rowOf(page, bastion.name)).toContainText('Running', {
      timeout: 30_000,
    });
  } finally {
    // the demo world as the other tests expect it
    if (stopped) await actInCluster('start');
  }
});
