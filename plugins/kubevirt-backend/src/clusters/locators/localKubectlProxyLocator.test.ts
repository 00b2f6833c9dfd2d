import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { eventually } from '../../__testUtils__/harness';
import { kubevirtPlugin } from '../../plugin';

jest.setTimeout(90_000);

/**
 * The localKubectlProxy locator against the real `kubectl proxy` (port 8001,
 * as the Kubernetes plugin's LocalKubectlProxyClusterLocator expects it) in
 * front of a simulator: the broker sends no credentials, the proxy adds the
 * kubeconfig's.
 */
describe('localKubectlProxy locator', () => {
  let sim: Simulator;
  let proxy: ChildProcess;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-proxy-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, sim.kubeconfig('broker'));
    proxy = spawn(
      'kubectl',
      ['proxy', '--port=8001', `--kubeconfig=${kubeconfig}`],
      { env: { ...process.env, HOME: dir } },
    );
    await new Promise<void>((resolve, reject) => {
      proxy.stdout!.on('data', d => {
        if (String(d).includes('Starting to serve')) resolve();
      });
      proxy.stderr!.on('data', d => reject(new Error(String(d))));
      proxy.on('exit', code =>
        reject(new Error(`kubectl proxy exited ${code}`)),
      );
    });
  });

  afterAll(async () => {
    proxy?.kill();
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves cluster local through kubectl proxy on port 8001', async () => {
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
              clusterLocatorMethods: [{ type: 'localKubectlProxy' }],
            },
          },
        }),
      ],
    });
    try {
      const items = (
        await eventually(
          () => request(backend.server).get('/api/kubevirt/clusters'),
          r => r.body.items?.[0]?.state === 'synced',
        )
      ).body.items;
      expect(items).toEqual([
        expect.objectContaining({ name: 'local', state: 'synced' }),
      ]);
      expect(items[0].vmCount).toBeGreaterThan(0);
      await request(backend.server)
        .post('/api/kubevirt/vms/local/orders/orders-worker-1/pause')
        .send({})
        .expect(202);
    } finally {
      await backend.stop();
    }
  });
});
