/* eslint-disable no-console */
/* eslint-disable @backstage/no-undeclared-imports -- a script run by `yarn bench:console`, never part of the plugin's build: its imports are devDependencies */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { startSimulator } from '@kubevirt-backstage/kubevirt-simulator';
import {
  VM_CONSOLE_PROTOCOL,
  VM_CONSOLE_TOKEN_PROTOCOL_PREFIX,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { PrometheusClient } from '../metrics/PrometheusClient';
import { kubevirtPlugin } from '../plugin';

/**
 * What the console proxy and the metrics route cost: connect time, keystroke
 * echo and a full VNC frame, each directly against the simulator and through
 * the broker; metrics route latency against a direct Prometheus query. The
 * simulator runs in this process (it shares the CPU; figures are upper bounds).
 * Run: yarn workspace @kubevirt-backstage/plugin-kubevirt-backend bench:console
 */
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[
    Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))
  ];
const row = (name: string, xs: number[]) =>
  console.log(
    `${name.padEnd(46)} n=${String(xs.length).padStart(4)}  p50 ${pct(xs, 50)
      .toFixed(2)
      .padStart(7)} ms  p99 ${pct(xs, 99).toFixed(2).padStart(7)} ms`,
  );

interface Conn {
  ws: WebSocket;
  received: () => number;
  waitFor: (bytes: number) => Promise<void>;
  /** Resolves with the next message that arrives. */
  next: () => Promise<string>;
}

function connect(
  url: string,
  protocols: string[],
  options: object,
): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    let total = 0;
    let waiter: { n: number; done: () => void } | undefined;
    let nextWaiter: ((text: string) => void) | undefined;
    ws.on('message', (d: Buffer) => {
      total += d.length;
      const onNext = nextWaiter;
      nextWaiter = undefined;
      onNext?.(d.toString('latin1'));
      if (waiter && total >= waiter.n) {
        const w = waiter;
        waiter = undefined;
        w.done();
      }
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        received: () => total,
        waitFor: n =>
          new Promise(done => (total >= n ? done() : (waiter = { n, done }))),
        next: () => new Promise(done => (nextWaiter = done)),
      }),
    );
  });
}

async function main() {
  const sim = await startSimulator({ port: 0, stageDelayMs: 0 });
  await sim.settled();
  const backend = await startTestBackend({
    features: [
      kubevirtPlugin,
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      catalogServiceMock.factory({ entities: [] }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: async () => {} }),
      }),
      mockServices.rootConfig.factory({
        data: {
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'east',
                    url: sim.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: sim.tokens.broker,
                    caData: Buffer.from(sim.caCert).toString('base64'),
                  },
                ],
              },
            ],
          },
          kubevirt: {
            prometheus: {
              east: {
                url: `${sim.url}/prometheus`,
                caData: Buffer.from(sim.caCert).toString('base64'),
              },
            },
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as { port: number };
  const base = `http://127.0.0.1:${port}/api/kubevirt`;
  const auth = { Authorization: mockCredentials.user.header() };
  for (;;) {
    const clusters = await (
      await fetch(`${base}/clusters`, { headers: auth })
    ).json();
    if (clusters.items?.[0]?.state === 'synced') break;
    await new Promise(r => setTimeout(r, 50));
  }

  const token = Buffer.from(mockCredentials.user.token()).toString('base64url');
  const sub =
    '/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachineinstances/payments-db-0';
  const targets = {
    direct: (kind: string) =>
      connect(
        `${sim.url.replace('https', 'wss')}${sub}/${kind}`,
        [VM_CONSOLE_PROTOCOL],
        {
          ca: sim.caCert,
          headers: { Authorization: `Bearer ${sim.tokens.admin}` },
        },
      ),
    proxy: (kind: string) =>
      connect(
        `${base.replace('http', 'ws')}/vms/east/payments/payments-db-0/${kind}`,
        [VM_CONSOLE_PROTOCOL, `${VM_CONSOLE_TOKEN_PROTOCOL_PREFIX}${token}`],
        {},
      ),
  };

  for (const [name, open] of Object.entries(targets)) {
    const connectTimes: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      const c = await open('console');
      connectTimes.push(performance.now() - t0);
      c.ws.close();
      await new Promise(r => c.ws.once('close', r));
    }
    row(`console connect (${name})`, connectTimes);

    // at the login prompt the getty echoes each character: one keystroke, one echo
    const c = await open('console');
    c.ws.send(Buffer.from('\r'));
    await new Promise(r => setTimeout(r, 200));
    const echo: number[] = [];
    // a character, then backspace: the echo is 'a', then '\b \b'; each timed to its own echo frame
    for (let i = 0; i < 500; i++) {
      const [key, expected] = i % 2 ? ['\x7f', '\b \b'] : ['a', 'a'];
      const echoed = c.next();
      const t0 = performance.now();
      c.ws.send(Buffer.from(key));
      const got = await echoed;
      echo.push(performance.now() - t0);
      if (got !== expected)
        throw new Error(
          `echo ${JSON.stringify(got)} for ${JSON.stringify(key)}`,
        );
    }
    row(`keystroke echo (${name})`, echo);
    c.ws.close();

    const frames: number[] = [];
    const v = await open('vnc');
    v.ws.send(Buffer.from('RFB 003.008\n'));
    await v.waitFor(12 + 2);
    v.ws.send(Buffer.from([1]));
    await v.waitFor(12 + 2 + 4);
    v.ws.send(Buffer.from([1]));
    await new Promise(r => setTimeout(r, 200));
    const request = Buffer.from([3, 0, 0, 0, 0, 0, 0x03, 0x20, 0x02, 0x58]);
    for (let i = 0; i < 50; i++) {
      const before = v.received();
      const t0 = performance.now();
      v.ws.send(request);
      await v.waitFor(before + 4 + 12 + 800 * 600 * 4);
      frames.push(performance.now() - t0);
    }
    row(`VNC full frame 800x600x32bpp (${name})`, frames);
    v.ws.close();
  }

  for (const range of ['1h', '6h']) {
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      const res = await fetch(
        `${base}/vms/east/payments/payments-db-0/metrics?range=${range}`,
        { headers: auth },
      );
      await res.json();
      times.push(performance.now() - t0);
    }
    row(`GET metrics?range=${range} (6 range queries)`, times);
  }
  // the same six queries straight to Prometheus, without the broker
  const prom = new PrometheusClient({
    cluster: 'east',
    url: `${sim.url}/prometheus`,
    caData: Buffer.from(sim.caCert).toString('base64'),
    skipTLSVerify: false,
  });
  const direct: number[] = [];
  const sel = 'namespace="payments",name="payments-db-0"';
  const queries = [
    'vcpu_seconds_total',
    'network_receive_bytes_total',
    'network_transmit_bytes_total',
    'storage_read_traffic_bytes_total',
    'storage_write_traffic_bytes_total',
  ].map(m => `sum(rate(kubevirt_vmi_${m}{${sel}}[120s]))`);
  queries.push(`sum(kubevirt_vmi_memory_used_bytes{${sel}})`);
  for (let i = 0; i < 200; i++) {
    const end = Math.floor(Date.now() / 1000 / 60) * 60;
    const t0 = performance.now();
    await Promise.all(
      queries.map(q => prom.queryRange(q, end - 3600, end, 60)),
    );
    direct.push(performance.now() - t0);
  }
  row('same 6 range queries, 1h, direct to Prometheus', direct);

  await backend.stop();
  await sim.stop();
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
