/**
 * An embedded Kubernetes + KubeVirt API server: the portal's default cluster
 * when there is no real one. It knows nothing of Backstage.
 *
 * @packageDocumentation
 */
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { defaultTokens, defaultUsers } from './auth/auth';
import { ConsoleServer } from './console/consoleServer';
import { FaultController, FaultSpec } from './faults';
import { LifecycleController } from './kubevirt/lifecycle/controller';
import { VmHistory } from './metrics/history';
import { PrometheusApi } from './metrics/prometheusApi';
import { resourceTypes } from './store/resources';
import { seedBase, seedDemo } from './seed';
import { createHandler } from './api/server';
import {
  ClusterFeatures,
  hiddenGroups,
  seedKubevirt,
} from './kubevirt/clusterFeatures';
import { Store, typeKeyMap } from './store/store';
import { GarbageCollector } from './store/garbageCollector';
import { NamespaceController } from './api/namespaceLifecycle';
import { loadOrCreateTls } from './tls';

export type { FaultSpec } from './faults';
export type { ClusterFeatures } from './kubevirt/clusterFeatures';
export {
  DEFAULT_FEATURE_GATES,
  KUBEVIRT_VERSION,
} from './kubevirt/clusterFeatures';
export type { KubeObject } from './store/store';
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
  /** Feature gates, rollout strategy and optional parts (CDI, instancetypes); default: everything on. */
  features?: ClusterFeatures;
}

export type SimulatorUser = keyof typeof defaultTokens;

/** A request as it reached the API server, before any routing: what a client sent, not what it meant. */
export interface ReceivedRequest {
  method: string;
  url: string;
  upgrade: boolean;
}

/** The newest requests kept in the log; older ones are dropped. */
const RECEIVED_LIMIT = 10_000;

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
  /** Every request received since start or the last `clearReceived()` (the newest 10,000), for tests that assert nothing reached the cluster. */
  received(): readonly ReceivedRequest[];
  clearReceived(): void;
  /** Resolves when the lifecycle controller has nothing left to do (stage delay 0). */
  settled(): Promise<void>;
  /** Changes the delay between lifecycle stages from now on (runs already waiting keep theirs), e.g. to catch a VM mid-way. */
  setStageDelay(ms: number): void;
  stop(): Promise<void>;
}

export async function startSimulator(
  options: SimulatorOptions = {},
): Promise<Simulator> {
  const store = new Store();
  const stageDelayMs = options.stageDelayMs ?? 1000;
  const controller = new LifecycleController(store, stageDelayMs);
  const garbageCollector = new GarbageCollector(store);
  const namespaces = new NamespaceController(store);
  const faults = new FaultController(store);
  const types = typeKeyMap(resourceTypes);
  const stateFile = options.dataDir
    ? path.join(options.dataDir, 'state.json')
    : undefined;

  const history = new VmHistory();
  store.subscribe(e => history.observe(e));
  // VMs running at seed time get an hour or more of metrics history
  const backfill = () => {
    history.clear();
    history.backfill(store, Math.max(10_000, 10 * stageDelayMs));
  };
  const consoles = new ConsoleServer(store, defaultUsers, faults, vmi =>
    history.startOf(
      vmi.metadata.namespace!,
      vmi.metadata.name,
      vmi.metadata.uid!,
    ),
  );
  const seed = () => {
    store.clear();
    if (options.seed === 'none') seedBase(store);
    else seedDemo(store, options.vms ?? 0);
    seedKubevirt(store, options.features ?? {});
    backfill();
    controller.resyncAll();
  };

  controller.start();
  garbageCollector.start();
  namespaces.start();
  if (stateFile && fs.existsSync(stateFile)) {
    store.restore(JSON.parse(fs.readFileSync(stateFile, 'utf8')), types);
    seedKubevirt(store, options.features ?? {});
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
    createHandler({
      store,
      users: defaultUsers,
      faults,
      adminToken: defaultTokens.admin,
      reset,
      consoles,
      prometheus: new PrometheusApi(history),
      hiddenGroups: hiddenGroups(options.features ?? {}),
    }),
  );
  let received: ReceivedRequest[] = [];
  const record = (req: http.IncomingMessage, upgrade: boolean) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', upgrade });
    if (received.length > RECEIVED_LIMIT)
      received = received.slice(-RECEIVED_LIMIT);
  };
  server.prependListener('request', req => record(req, false));
  server.prependListener('upgrade', req => record(req, true));
  server.on('upgrade', (req, socket, head) => {
    consoles.handleUpgrade(req, socket, head);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () =>
      resolve(),
    );
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
        `    certificate-authority-data: ${Buffer.from(tls.cert).toString(
          'base64',
        )}`,
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
    received: () => received,
    clearReceived: () => {
      received = [];
    },
    // the garbage collector and the lifecycle controller wake each other (a VMI the collector
    // deletes has stages to run, and their writes give it work)
    settled: async () => {
      await controller.settled();
      for (
        let i = 0;
        i < 20 && !(garbageCollector.idle && namespaces.idle);
        i++
      ) {
        await new Promise(resolve => setImmediate(resolve));
        await controller.settled();
      }
    },
    setStageDelay: ms => controller.setStageDelay(ms),
    async stop() {
      controller.stop();
      garbageCollector.stop();
      namespaces.stop();
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
