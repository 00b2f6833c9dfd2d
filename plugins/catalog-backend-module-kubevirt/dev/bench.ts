/* eslint-disable no-console */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { startSimulator } from '@kubevirt-backstage/kubevirt-simulator';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import kubevirtPlugin from '@kubevirt-backstage/plugin-kubevirt-backend';
import { AddressInfo } from 'node:net';
import { catalogModuleKubevirtEntityProvider } from '../src/module';
import { kube } from '../src/__testUtils__/testUtils';

/**
 * Ingestion figures: the real catalog backend, the broker and the provider in
 * one test backend, against a simulator with N generated VMs (plus the 11 of
 * the demo world). Prints how long until the catalog serves every VM entity,
 * and how long one new VM (and one deletion) takes to show.
 * Run: yarn workspace @kubevirt-backstage/plugin-catalog-backend-module-kubevirt bench [vms=10000]
 */
const extra = Number(process.argv[2] ?? 10000);
const expected = extra + 11;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  console.log(`simulator with ${expected} VMs...`);
  const sim = await startSimulator({ port: 0, stageDelayMs: 0, vms: extra });
  await sim.settled();

  const t0 = Date.now();
  const backend = await startTestBackend({
    features: [
      // BENCH_LOG=info shows the provider's and the catalog's logs
      ...(process.env.BENCH_LOG
        ? [
            mockServices.rootLogger.factory({
              level: process.env.BENCH_LOG as 'info',
            }),
          ]
        : []),
      catalogPlugin,
      catalogModuleKubevirtEntityProvider,
      kubevirtPlugin,
      eventsServiceFactory,
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: async () => {} }),
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'local-sim',
                    url: sim.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: sim.tokens.broker,
                    caData: Buffer.from(sim.caCert).toString('base64'),
                  },
                ],
              },
            ],
          },
          // the default rules allow no Resource entities
          catalog: {
            rules: [
              { allow: ['Component', 'System', 'API', 'Resource', 'Location'] },
            ],
            providers: { kubevirt: {} },
          },
        },
      }),
    ],
  });
  const base = `http://localhost:${
    (backend.server.address() as AddressInfo).port
  }`;
  const count = async () => {
    const res = await fetch(
      `${base}/api/catalog/entities/by-query?filter=kind=resource,spec.type=virtual-machine&limit=1&fields=metadata.name`,
    );
    return res.ok
      ? ((await res.json()) as { totalItems: number }).totalItems
      : -1;
  };
  const exists = async (name: string) =>
    (
      await fetch(
        `${base}/api/catalog/entities/by-name/resource/default/${name}`,
      )
    ).status === 200;

  let synced: number | undefined;
  let first: number | undefined;
  let last = 0;
  for (;;) {
    if (!synced) {
      const clusters = (await (
        await fetch(`${base}/api/kubevirt/clusters`)
      ).json()) as { items: { state: string }[] };
      if (clusters.items[0]?.state === 'synced') synced = Date.now() - t0;
    }
    const n = await count();
    if (n > 0 && !first) first = Date.now() - t0;
    if (n !== last) {
      console.log(`  ${seconds(Date.now() - t0)}: ${n} VM entities`);
      last = n;
    }
    if (n >= expected) break;
    if (Date.now() - t0 > 30 * 60_000)
      throw new Error(`only ${n} of ${expected} VM entities after 30 minutes`);
    await sleep(250);
  }
  const all = Date.now() - t0;

  const single: number[] = [];
  const removal: number[] = [];
  for (let i = 0; i < 5; i++) {
    const name = `bench-new-${i}`;
    const entity = `${name}.payments.local-sim`;
    const t1 = Date.now();
    const created = await kube(
      sim,
      'POST',
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines',
      {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachine',
        metadata: {
          name,
          namespace: 'payments',
          labels: { 'backstage.io/kubernetes-id': 'payments-api' },
        },
        spec: {
          runStrategy: 'Halted',
          template: { spec: { domain: { devices: {} } } },
        },
      },
    );
    if (created.status !== 201)
      throw new Error(
        `creating ${name}: ${created.status} ${JSON.stringify(created.body)}`,
      );
    while (!(await exists(entity))) await sleep(20);
    single.push(Date.now() - t1);
    const t2 = Date.now();
    await kube(
      sim,
      'DELETE',
      `/apis/kubevirt.io/v1/namespaces/payments/virtualmachines/${name}`,
    );
    while (await exists(entity)) await sleep(20);
    removal.push(Date.now() - t2);
  }
  const median = (xs: number[]) =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  console.log(
    `\n${expected} VMs (1 cluster), real catalog (in-memory SQLite), broker, provider; Node ${process.version}`,
  );
  console.log(
    `  backend start → broker cache synced:          ${
      synced === undefined ? 'n/a' : seconds(synced)
    }`,
  );
  console.log(
    `  backend start → first VM entity served:       ${
      first === undefined ? 'n/a' : seconds(first)
    }`,
  );
  console.log(
    `  backend start → all ${expected} VM entities served: ${seconds(all)}`,
  );
  console.log(
    `  one new VM → its entity served (5 runs):      median ${median(
      single,
    )} ms, max ${Math.max(...single)} ms`,
  );
  console.log(
    `  one deleted VM → its entity gone (5 runs):    median ${median(
      removal,
    )} ms, max ${Math.max(...removal)} ms`,
  );
  console.log(`  RSS: ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);

  await backend.stop();
  await sim.stop();
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
