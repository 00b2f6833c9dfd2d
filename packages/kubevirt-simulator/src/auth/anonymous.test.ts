import fs from 'node:fs';
import path from 'node:path';
import { kubectlFor } from '../__testUtils__/kubectl';
import { Simulator, startSimulator } from '../index';
import { loadOrCreateTls } from '../tls';

jest.setTimeout(60_000);

/**
 * Requests without credentials, as kube-apiserver with its default
 * `--anonymous-auth=true` answers them (apiserver
 * pkg/authentication/request/anonymous: user `system:anonymous`, group
 * `system:unauthenticated`): RBAC decides, and only the health and version
 * paths of `system:public-info-viewer` are open.
 */
describe('anonymous requests', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  let anonymous: (...args: string[]) => ReturnType<typeof k.kubectl>;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    k = kubectlFor(sim);
    // kubectl asks for a username when a kubeconfig user has no credentials at all; a client certificate
    // the simulator never asks for (it has no client CA) keeps kubectl quiet and the requests credential-less
    const tls = loadOrCreateTls();
    const config = path.join(k.dir, 'anonymous');
    fs.writeFileSync(
      config,
      sim
        .kubeconfig('admin')
        .replace(
          /^ {4}token: .*$/m,
          [
            `    client-certificate-data: ${Buffer.from(tls.cert).toString(
              'base64',
            )}`,
            `    client-key-data: ${Buffer.from(tls.key).toString('base64')}`,
          ].join('\n'),
        ),
    );
    anonymous = (...args) => k.kubectl('--kubeconfig', config, ...args);
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  it('reads /version and the health paths (system:public-info-viewer)', async () => {
    const version = await anonymous('get', '--raw', '/version');
    expect(version.code).toBe(0);
    expect(JSON.parse(version.stdout).minor).toBe('32');
    for (const p of ['/healthz', '/readyz', '/livez'])
      expect((await anonymous('get', '--raw', p)).stdout).toBe('ok');
  });

  // endpoints/handlers/responsewriters/errors.go forbiddenMessage, for resources and for paths
  it('is 403 for resources and discovery, in the apiserver’s words', async () => {
    const pods = await anonymous(
      'get',
      '--raw',
      '/api/v1/namespaces/default/pods',
    );
    expect(pods.code).toBe(1);
    expect(pods.stderr).toContain(
      'Error from server (Forbidden): pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    const vm = await anonymous(
      'get',
      '--raw',
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-0',
    );
    expect(vm.stderr).toContain(
      'virtualmachines.kubevirt.io "payments-db-0" is forbidden: User "system:anonymous" cannot get resource "virtualmachines" in API group "kubevirt.io" in the namespace "payments"',
    );
    // system:discovery is bound to system:authenticated only
    const discovery = await anonymous('get', '--raw', '/apis');
    expect(discovery.stderr).toContain(
      'Error from server (Forbidden): forbidden: User "system:anonymous" cannot get path "/apis"',
    );
    // selfsubjectreviews need system:basic-user, which anonymous does not have
    const whoami = await anonymous('auth', 'whoami');
    expect(whoami.code).toBe(1);
    expect(whoami.stderr).toContain(
      'the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it',
    );
  });

  it('stays 401 for a token that does not authenticate, even on public paths', async () => {
    for (const p of ['/version', '/api/v1/namespaces/default/pods']) {
      const wrong = await k.kubectl('--token', 'wrong', 'get', '--raw', p);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('Unauthorized');
    }
  });
});
