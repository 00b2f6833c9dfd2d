/* eslint-disable no-console */
/* eslint-disable @backstage/no-undeclared-imports -- a script run by `yarn bench`, never part of the plugin's build: its imports are devDependencies */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClusterCache } from '../cache/ClusterCache';
import { RawPathClient } from './RawPathClient';
import { kubevirtPlugin } from '../plugin';
import { OwnershipIndex } from '../service/OwnershipIndex';
import { AuditRequests } from '../service/AuditRequests';
import { createVmServices } from '../service/createVmServices';

/**
 * The broker against @backstage/plugin-kubernetes-backend, both in one backend
 * against the simulator at 1k, 10k and 100k VMs: latency of "the VMs of one
 * entity" (a label selector matching 50), time from a change in the cluster to
 * the broker's signal, action overhead, and memory per 10k cached VMs. The
 * simulator runs in a child process, so what is measured here is the portal's.
 * Run: yarn workspace @kubevirt-backstage/plugin-kubevirt-backend bench [sizes...]
 */
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const scales = sizes.length ? sizes : [1000, 10000, 100000];
// enough samples that p99 is the 10th slowest, not the 2nd
const REQUESTS = 1000;
const GROUP_LABEL = 'simulator.kubevirt.io/scale-group';

const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
};
const gc = () => (global as unknown as { gc?: () => void }).gc?.();
const mb = (bytes: number) => bytes / 2 ** 20;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function timed(n: number, fn: (i: number) => Promise<void>) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return times;
}

async function json(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  const body = await res.json();
  if (!res.ok)
    throw new Error(
      `${init?.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(
        body,
      ).slice(0, 300)}`,
    );
  return body;
}

/** The simulator's documented bearer tokens (packages/kubevirt-simulator/README.md). */
const tokens = {
  admin: 'simulator-admin-token',
  broker: 'simulator-broker-token',
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The simulator in its own process, as a cluster would be: its heap, garbage
 * collection and CPU are not the broker's, so the broker's latency and memory
 * are measured alone.
 */
async function startSimulatorProcess(vms: number) {
  const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubevirt-bench-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--max-old-space-size=4096',
      require.resolve(
        '@kubevirt-backstage/kubevirt-simulator/bin/kubevirt-simulator.js',
      ),
      'start',
      '--port',
      String(port),
      '--vms',
      String(vms),
      '--stage-delay-ms',
      '0',
      '--tls-dir',
      tlsDir,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', chunk => {
      out += chunk;
      const m = out.match(/listening on (\S+)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', code =>
      reject(new Error(`simulator exited with ${code}`)),
    );
  });
  const caCert = fs.readFileSync(path.join(tlsDir, 'ca.crt'), 'utf8');
  const caData = Buffer.from(caCert).toString('base64');
  const admin = new RawPathClient({
    name: 'admin',
    url,
    serviceAccountToken: tokens.admin,
    caData,
    skipTLSVerify: false,
  });
  return {
    url,
    caData,
    admin,
    faults: (spec: object | undefined) =>
      admin.request(spec ? 'PUT' : 'DELETE', '/simulator/faults', spec),
    stop: async () => {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(tlsDir, { recursive: true, force: true });
    },
  };
}

interface Row {
  vms: number;
  syncMs: number;
  brokerP50: number;
  brokerP99: number;
  floorP50: number;
  serviceP50: number;
  serviceP99: number;
  latentBrokerP50: number;
  latentK8sP50: number;
  k8sP50: number;
  k8sP99: number;
  signalP50: number;
  signalP99: number;
  brokerAction: number;
  directAction: number;
  rssPer10k: number;
  heapPer10k: number;
  rssDelta: number;
  heapDelta: number;
}

/** One published signal per channel, awaited by the change measurement. */
function signalRecorder() {
  const waiting = new Map<string, (at: number) => void>();
  return {
    publish: async ({ channel }: { channel: string }) => {
      const resolve = waiting.get(channel);
      if (resolve) {
        waiting.delete(channel);
        resolve(performance.now());
      }
    },
    next: (channel: string) =>
      new Promise<number>(resolve => waiting.set(channel, resolve)),
  };
}

async function runScale(vms: number): Promise<Row> {
  const sim = await startSimulatorProcess(vms);
  const groups = Math.ceil(vms / 50);
  const caData = sim.caData;
  const signals = signalRecorder();
  const entities = Array.from({ length: Math.min(groups, 20) }, (_, g) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `scale-group-${g}`,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-label-selector': `${GROUP_LABEL}=g${g}`,
      },
    },
    spec: {
      owner: 'group:default/bench',
      type: 'service',
      lifecycle: 'production',
    },
  }));

  gc();
  await sleep(200);
  gc();
  const before = process.memoryUsage();
  const syncStart = performance.now();
  const backend = await startTestBackend({
    features: [
      kubevirtPlugin,
      kubernetesPlugin,
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      catalogServiceMock.factory({ entities }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: signals.publish }),
      }),
      mockServices.rootConfig.factory({
        data: {
          kubernetes: {
            serviceLocatorMethod: { type: 'multiTenant' },
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'sim',
                    url: sim.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: tokens.broker,
                    caData,
                  },
                ],
              },
            ],
            customResources: [
              {
                group: 'kubevirt.io',
                apiVersion: 'v1',
                plural: 'virtualmachines',
              },
            ],
          },
        },
      }),
    ],
  });
  const base = `http://127.0.0.1:${
    (backend.server.address() as AddressInfo).port
  }/api`;
  for (;;) {
    const { items } = await json(`${base}/kubevirt/clusters`);
    if (items.every((c: { state: string }) => c.state === 'synced')) break;
    await sleep(20);
  }
  const syncMs = performance.now() - syncStart;
  gc();
  await sleep(200);
  gc();
  const after = process.memoryUsage();

  const entityCount = entities.length;
  const brokerList = async (i: number) => {
    const g = i % entityCount;
    const body = await json(
      `${base}/kubevirt/vms?labelSelector=${encodeURIComponent(
        `${GROUP_LABEL}=g${g}`,
      )}`,
    );
    if (body.items.length !== Math.min(50, vms - g * 50))
      throw new Error(`broker: ${body.items.length} VMs for g${g}`);
  };
  const k8sList = async (i: number) => {
    const g = i % entityCount;
    const body = await json(`${base}/kubernetes/resources/custom/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        entityRef: `component:default/scale-group-${g}`,
        auth: {},
        customResources: [
          { group: 'kubevirt.io', apiVersion: 'v1', plural: 'virtualmachines' },
        ],
      }),
    });
    const found = body.items?.[0]?.resources?.[0]?.resources?.length;
    if (found !== Math.min(50, vms - g * 50))
      throw new Error(
        `kubernetes backend: ${found} VMs for g${g}: ${JSON.stringify(
          body,
        ).slice(0, 300)}`,
      );
  };
  await timed(20, brokerList);
  await timed(10, k8sList);
  const broker = await timed(REQUESTS, brokerList);
  // the floor: one request through the same backend that does no work (GET /clusters)
  const floor = await timed(REQUESTS, async () => {
    await json(`${base}/kubevirt/clusters`);
  });
  if (process.env.BENCH_DEBUG)
    console.error(
      'broker slowest',
      broker
        .map((t, i) => [i, +t.toFixed(1)])
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6),
    );
  const k8s = await timed(300, k8sList);

  // a change in the cluster until the broker's signal for that VM
  const admin = sim.admin;
  const brokerClient = new RawPathClient({
    name: 'sim',
    url: sim.url,
    serviceAccountToken: tokens.broker,
    caData,
    skipTLSVerify: false,
  });
  const target = { namespace: 'payments', name: 'scale-vm-000000' };
  const signalTimes: number[] = [];
  for (let i = 0; i < 30; i++) {
    const published = signals.next(
      `kubevirt:vm:sim/${target.namespace}/${target.name}`,
    );
    const t0 = performance.now();
    await admin.request(
      'PATCH',
      `/apis/kubevirt.io/v1/namespaces/${target.namespace}/virtualmachines/${target.name}`,
      { metadata: { labels: { 'bench-change': String(i) } } },
      'application/merge-patch+json',
    );
    const at = await Promise.race([published, sleep(5000).then(() => NaN)]);
    signalTimes.push(at - t0);
  }
  const signalP = [pct(signalTimes, 50), pct(signalTimes, 99)];

  // the same start (dry run, the VM stays stopped) through the broker and straight to the subresource
  const brokerAction = await timed(100, async () => {
    await json(
      `${base}/kubevirt/vms/sim/${target.namespace}/${target.name}/start`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ dryRun: true }),
      },
    );
  });
  const directAction = await timed(100, async () => {
    await brokerClient.request(
      'PUT',
      `/apis/subresources.kubevirt.io/v1/namespaces/${target.namespace}/virtualmachines/${target.name}/start`,
      { dryRun: ['All'] },
    );
  });

  // the same question with a 5 ms round trip to the API server, as to a cluster over a network
  await sim.faults({ latencyMs: 5 });
  await timed(5, k8sList);
  const latentBroker = await timed(50, brokerList);
  const latentK8s = await timed(50, k8sList);
  await sim.faults(undefined);
  await backend.stop();

  // VmReads.list alone, in process: what the broker itself spends, without HTTP and Backstage's middleware
  const logger = mockServices.rootLogger({ level: 'error' });
  const cache = new ClusterCache(brokerClient, logger, () => {});
  cache.start();
  while (!cache.vmis.synced || !cache.vms.synced) await sleep(20);
  const services = createVmServices({
    clusters: new Map([['sim', cache]]),
    ownership: new OwnershipIndex(
      catalogServiceMock({ entities }),
      mockServices.auth(),
      logger,
    ),
    permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    auditor: {
      createEvent: async () => ({
        success: async () => {},
        fail: async () => {},
      }),
    } as any,
    logger,
    auditRequests: new AuditRequests(mockServices.auth()),
  });
  // unconditional decisions never consult a rule
  services.access.setRuleset({ getRuleByName: () => undefined } as any);
  const service = services.reads;
  const credentials = {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'user', userEntityRef: 'user:default/bench' },
  } as any;
  const serviceList = (i: number) =>
    service
      .list(
        { labelSelector: `${GROUP_LABEL}=g${i % entityCount}` },
        credentials,
      )
      .then(() => undefined);
  await timed(20, serviceList);
  const inProcess = await timed(REQUESTS, serviceList);
  cache.stop();
  await sim.stop();
  const per10k = vms / 10000;
  return {
    vms,
    syncMs,
    brokerP50: pct(broker, 50),
    brokerP99: pct(broker, 99),
    floorP50: pct(floor, 50),
    serviceP50: pct(inProcess, 50),
    serviceP99: pct(inProcess, 99),
    latentBrokerP50: pct(latentBroker, 50),
    latentK8sP50: pct(latentK8s, 50),
    k8sP50: pct(k8s, 50),
    k8sP99: pct(k8s, 99),
    signalP50: signalP[0],
    signalP99: signalP[1],
    brokerAction: pct(brokerAction, 50),
    directAction: pct(directAction, 50),
    rssDelta: mb(after.rss - before.rss),
    heapDelta: mb(after.heapUsed - before.heapUsed),
    rssPer10k: mb(after.rss - before.rss) / per10k,
    heapPer10k: mb(after.heapUsed - before.heapUsed) / per10k,
  };
}

async function main() {
  const rows: Row[] = [];
  for (const vms of scales) {
    console.error(`… ${vms} VMs`);
    rows.push(await runScale(vms));
  }
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  console.log(
    '\nVMs of one entity (label selector, 50 matching), sequential requests over HTTP, ms',
  );
  console.log(
    '| VMs | broker sync | VmService.list p50/p99 | HTTP floor p50 | broker route p50 | broker route p99 | k8s-backend p50 | k8s-backend p99 | ratio p50 | ratio p99 | with 5 ms API RTT: broker / k8s p50 (ratio) | change→signal p50/p99 | action broker/direct p50 (overhead) | RSS Δ (per 10k) | heap Δ (per 10k) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.vms} | ${f(r.syncMs, 0)} ms | ${f(r.serviceP50, 2)} / ${f(
        r.serviceP99,
        2,
      )} | ${f(r.floorP50, 2)} | ${f(r.brokerP50, 2)} | ${f(
        r.brokerP99,
        2,
      )} | ${f(r.k8sP50)} | ${f(r.k8sP99)} | ${f(
        r.k8sP50 / r.brokerP50,
        0,
      )}x | ${f(r.k8sP99 / r.brokerP99, 0)}x | ${f(r.latentBrokerP50, 2)} / ${f(
        r.latentK8sP50,
        1,
      )} (${f(r.latentK8sP50 / r.latentBrokerP50, 0)}x) | ${f(
        r.signalP50,
        1,
      )} / ${f(r.signalP99, 1)} ms | ${f(r.brokerAction, 2)} / ${f(
        r.directAction,
        2,
      )} (+${f(r.brokerAction - r.directAction, 2)}) ms | ${f(
        r.rssDelta,
        0,
      )} MB (${f(r.rssPer10k)} MB) | ${f(r.heapDelta, 0)} MB (${f(
        r.heapPer10k,
      )} MB) |`,
    );
  }
  if (rows.length > 1) {
    const [lo, hi] = [rows[rows.length - 2], rows[rows.length - 1]];
    const slope = (a: number, b: number) =>
      (b - a) / ((hi.vms - lo.vms) / 10000);
    console.log(
      `\nMarginal memory between ${lo.vms} and ${hi.vms} VMs: RSS ${f(
        slope(lo.rssDelta, hi.rssDelta),
      )} MB, heap ${f(
        slope(lo.heapDelta, hi.heapDelta),
      )} MB per 10k cached VMs`,
    );
  }
  const last = rows[rows.length - 1];
  const first = rows[0];
  console.log(
    `\nTargets at ${last.vms}: broker p99 ≤ 20 ms: ${
      last.brokerP99 <= 20 ? 'met' : 'MISSED'
    } (${f(last.brokerP99, 2)}); flat ${first.vms}→${last.vms}: p99 ×${f(
      last.brokerP99 / first.brokerP99,
      2,
    )}; ≥ 20x faster than the kubernetes backend: ${
      last.k8sP50 / last.brokerP50 >= 20 ? 'met' : 'MISSED'
    } (${f(last.k8sP50 / last.brokerP50, 0)}x p50); ≤ 1 s to signal: ${
      last.signalP99 <= 1000 ? 'met' : 'MISSED'
    }; ≤ 100 MB per 10k VMs: ${
      last.heapPer10k <= 100 ? 'met' : 'MISSED'
    } (heap ${f(last.heapPer10k)} MB, RSS ${f(last.rssPer10k)} MB)`,
  );
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
