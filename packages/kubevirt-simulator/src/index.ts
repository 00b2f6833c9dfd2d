/**
 * An embedded Kubernetes + KubeVirt API server: the portal's default cluster
 * when there is no real one. It knows nothing of Backstage.
 *
 * @packageDocumentation
 */
import fs from 'node:fs';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { defaultTokens, defaultUsers } from './auth';
import { ConsoleServer } from './console/consoleServer';
import { FaultController, FaultSpec } from './faults';
import { LifecycleController } from './lifecycle/controller';
import { VmHistory } from './metrics/history';
import { PrometheusApi } from './metrics/prometheusApi';
import { resourceTypes } from './resources';
import { seedBase, seedDemo } from './seed';
import { createHandler } from './server';
import { Store, typeKeyMap } from './store';
import { loadOrCreateTls } from './tls';

export type { FaultSpec } from './faults';
export type { KubeObject } from './store';
export { demoVms } from './seed';

export interface SimulatorOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  seed?: 'demo' | 'none';
  /** Extra generated VMs (stopped), labelled backstage.io/kubernetes-id=scale-<n % 100>. */
  vms?: number;
  /** Delay between lifecycle stages; 0 for tests and benchmarks. */
  stageDelayMs?: number;
  /** Keep state in this folder across restarts. */
  dataDir?: string;
  /** Keep the serving certificate (ca.crt, tls.key) here, so clients can trust it across restarts. */
  tlsDir?: string;
}

export type SimulatorUser = keyof typeof defaultTokens;

export interface Simulator {
  url: string;
  /** The Prometheus HTTP API's base URL (`${url}/prometheus`), for a cluster's metrics config. */
  prometheusUrl: string;
  /** The serving certificate, PEM: what clients put in certificate-authority-data. */
  caCert: string;
  tokens: typeof defaultTokens;
  kubeconfig(user?: SimulatorUser): string;
  faults: {
    set(spec: FaultSpec): void;
    forceExpire(): void;
    clear(): void;
  };
  /** Back to the seed. */
  reset(): Promise<void>;
  /** Resolves when the lifecycle controller has nothing left to do (stage delay 0). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const store = new Store();
  const stageDelayMs = options.stageDelayMs ?? 1000;
  const controller = new LifecycleController(store, stageDelayMs);
  const faults = new FaultController(store);
  const types = typeKeyMap(resourceTypes);
  const stateFile = options.dataDir ? path.join(options.dataDir, 'state.json') : undefined;

  const history = new VmHistory();
  store.subscribe(e => history.observe(e));
  // VMs running at seed time get an hour or more of metrics history
  const backfill = () => {
    history.clear();
    history.backfill(store, Math.max(10_000, 10 * stageDelayMs));
  };
  const consoles = new ConsoleServer(store, defaultUsers, faults, vmi => history.startOf(vmi.metadata.namespace!, vmi.metadata.name, vmi.metadata.uid!));
  const seed = () => {
    store.clear();
    if (options.seed === 'none') seedBase(store);
    else seedDemo(store, options.vms ?? 0);
    backfill();
    controller.resyncAll();
  };

  controller.start();
  if (stateFile && fs.existsSync(stateFile)) {
    store.restore(JSON.parse(fs.readFileSync(stateFile, 'utf8')), types);
    backfill();
    controller.resyncAll();
  } else {
    seed();
  }

  let saveTimer: NodeJS.Timeout | undefined;
  const save = () => {
    if (!stateFile) return;
    const tmp = `${stateFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(store.snapshot()));
    fs.renameSync(tmp, stateFile);
  };

  if (stateFile) {
    fs.mkdirSync(options.dataDir!, { recursive: true });
    store.onChange = () => {
      if (saveTimer) return;
      saveTimer = setTimeout(() => {
        saveTimer = undefined;
        save();
      }, 500);
    };
  }
  const reset = async () => {
    faults.clear();
    consoles.closeAll('simulator reset');
    seed();
  };

  const tls = loadOrCreateTls(options.tlsDir);
  const server = https.createServer(
    { cert: tls.cert, key: tls.key },
    createHandler({ store, users: defaultUsers, faults, adminToken: defaultTokens.admin, reset, consoles, prometheus: new PrometheusApi(history) }),
  );
  server.on('upgrade', (req, socket, head) => {
    consoles.handleUpgrade(req, socket, head);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `https://${options.host ?? '127.0.0.1'}:${address.port}`;

  return {
    url,
    prometheusUrl: `${url}/prometheus`,
    caCert: tls.cert,
    tokens: defaultTokens,
    kubeconfig: (user: SimulatorUser = 'admin') =>
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: kubevirt-simulator',
        '  cluster:',
        `    server: ${url}`,
        `    certificate-authority-data: ${Buffer.from(tls.cert).toString('base64')}`,
        'users:',
        `- name: ${user}`,
        '  user:',
        `    token: ${defaultTokens[user]}`,
        'contexts:',
        '- name: kubevirt-simulator',
        '  context:',
        '    cluster: kubevirt-simulator',
        `    user: ${user}`,
        '    namespace: default',
        'current-context: kubevirt-simulator',
        '',
      ].join('\n'),
    faults: {
      set: spec => faults.set(spec),
      forceExpire: () => faults.forceExpire(),
      clear: () => faults.clear(),
    },
    reset,
    settled: () => controller.settled(),
    async stop() {
      controller.stop();
      if (saveTimer) {
        clearTimeout(saveTimer);
        save();
      }
      faults.set({ dropWatches: true });
      consoles.stop();
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
