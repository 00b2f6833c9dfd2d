import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  VM_CONSOLE_PROTOCOL,
  VM_CONSOLE_TOKEN_PROTOCOL_PREFIX,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { WebSocket } from 'ws';
import { eventually } from '../__testUtils__/harness';
import { kubevirtPlugin } from '../plugin';

jest.setTimeout(90_000);

const JANE = 'user:default/jane';
const PAYMENTS_DEV = 'user:default/pat';

const users = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane', namespace: 'default' },
    spec: { profile: { email: 'jane@example.com' }, memberOf: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'pat', namespace: 'default' },
    spec: {
      profile: { email: 'pat@example.com' },
      memberOf: ['team-payments'],
    },
  },
];

/**
 * Every way the broker reaches a cluster, each against a simulator: a
 * kubeconfig whose user is an exec credential plugin (client-node's
 * ExecAuth), the pod's service account token and CA read from a directory
 * (and read again when kubelet rotates the token), a cluster from the catalog,
 * a wrong token and unusable configurations, and impersonation of the
 * signed-in user (apiserver impersonation.go, as the simulator implements it).
 */
describe('cluster access', () => {
  let sim: Simulator;
  let dir: string;
  let saDir: string;
  let execLog: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  const clusterEntity = () => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'from-catalog',
      namespace: 'default',
      title: 'Catalog cluster',
      annotations: {
        'kubernetes.io/api-server': sim.url,
        'kubernetes.io/api-server-certificate-authority': Buffer.from(
          sim.caCert,
        ).toString('base64'),
        'kubernetes.io/auth-provider': 'serviceAccount',
      },
    },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
  });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubevirt-access-'));
    // the pod's service account directory, as kubelet mounts it
    saDir = path.join(dir, 'serviceaccount');
    fs.mkdirSync(saDir);
    fs.writeFileSync(path.join(saDir, 'token'), sim.tokens.broker);
    fs.writeFileSync(path.join(saDir, 'ca.crt'), sim.caCert);
    // an exec credential plugin printing an ExecCredential, as aws/gke-gcloud-auth-plugin/kubelogin do
    execLog = path.join(dir, 'exec.log');
    const plugin = path.join(dir, 'credential-plugin.sh');
    fs.writeFileSync(
      plugin,
      `#!/bin/sh
echo run >> '${execLog}'
printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${sim.tokens.broker}"}}'
`,
      { mode: 0o755 },
    );
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters:
- name: sim
  cluster:
    server: ${sim.url}
    certificate-authority-data: ${Buffer.from(sim.caCert).toString('base64')}
users:
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${plugin}
      interactiveMode: Never
contexts:
- name: other
  context: {cluster: sim, user: nobody}
- name: via-exec
  context: {cluster: sim, user: exec-user}
current-context: other
`,
    );
    const caData = Buffer.from(sim.caCert).toString('base64');
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    backend = await startTestBackend({
      features: [
        kubevirtPlugin,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.auditor.factory(),
        catalogServiceMock.factory({ entities: [...users, clusterEntity()] }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({ publish: async () => {} }),
        }),
        // the users' ownership groups, as the catalog's memberOf gives them
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({
            getUserInfo: async (credentials: any) => {
              const ref = credentials.principal.userEntityRef;
              const user = users.find(
                u => `user:default/${u.metadata.name}` === ref,
              );
              return {
                userEntityRef: ref,
                ownershipEntityRefs: [
                  ref,
                  ...(user?.spec.memberOf ?? []).map(g => `group:default/${g}`),
                ],
              };
            },
          }),
        }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'in-pod',
                      url: sim.url,
                      authProvider: 'serviceAccount',
                    },
                    {
                      name: 'wrong-token',
                      url: sim.url,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: 'not-a-token',
                      caData,
                    },
                    {
                      name: 'as-user',
                      url: sim.url,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: sim.tokens.broker,
                      caData,
                      impersonate: true,
                    },
                    {
                      name: 'may-not-impersonate',
                      url: sim.url,
                      authProvider: 'serviceAccount',
                      // may read VMs, may not impersonate anyone
                      serviceAccountToken: sim.tokens.viewer,
                      caData,
                      impersonate: true,
                    },
                    {
                      name: 'needs-user-token',
                      url: sim.url,
                      authProvider: 'oidc',
                      oidcTokenProvider: 'okta',
                    },
                    { name: 'no-provider', url: sim.url },
                  ],
                },
                {
                  type: 'catalog',
                  dangerouslyAllowClusterUrls: ['127.0.0.1'],
                },
              ],
            },
            kubevirt: {
              serviceAccountDir: saDir,
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'via-kubeconfig',
                      authProvider: 'kubeconfig',
                      kubeconfig: { path: kubeconfig, context: 'via-exec' },
                    },
                  ],
                },
              ],
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    delete process.env.KUBERNETES_SERVICE_HOST;
    await backend?.stop();
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const clusters = async () =>
    (await request(backend.server).get('/api/kubevirt/clusters').expect(200))
      .body.items as Array<{
      name: string;
      state: string;
      error?: string;
      problem?: string;
      vmCount?: number;
    }>;
  const cluster = async (name: string, until: (c: any) => boolean) =>
    (
      await eventually(clusters, items =>
        items.some(c => c.name === name && until(c)),
      )
    ).find(c => c.name === name);

  it('reaches a cluster through a kubeconfig context whose user is an exec credential plugin', async () => {
    const c = await cluster('via-kubeconfig', s => s.state === 'synced');
    expect(c).toMatchObject({ state: 'synced' });
    expect(c!.vmCount).toBeGreaterThan(0);
    expect(fs.readFileSync(execLog, 'utf8')).toContain('run');
  });

  it("uses the pod's service account token and CA from the mounted directory, and reads a rotated token again", async () => {
    expect(await cluster('in-pod', s => s.state === 'synced')).toMatchObject({
      state: 'synced',
    });
    const pause = () =>
      request(backend.server)
        .post('/api/kubevirt/vms/in-pod/orders/orders-worker-1/pause')
        .send({});
    expect((await pause()).status).toBe(202);
    await request(backend.server)
      .post('/api/kubevirt/vms/in-pod/orders/orders-worker-1/unpause')
      .send({})
      .expect(202);
    // kubelet swaps the file for a new one; this token is a user without rights
    const next = path.join(saDir, 'token.next');
    fs.writeFileSync(next, sim.tokens.none);
    fs.renameSync(next, path.join(saDir, 'token'));
    const refused = await pause();
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain(
      'The broker lacks the right on cluster in-pod',
    );
    expect(refused.body.error.message).toContain('User "nobody"');
    fs.writeFileSync(next, sim.tokens.broker);
    fs.renameSync(next, path.join(saDir, 'token'));
  });

  it('finds a cluster in the catalog (Resource of type kubernetes-cluster) and serves it', async () => {
    const c = await cluster('from-catalog', s => s.state === 'synced');
    expect(c).toMatchObject({ state: 'synced', title: 'Catalog cluster' });
  });

  it('reports a wrong token as refused credentials while the other clusters keep working', async () => {
    const c = await cluster('wrong-token', s => !!s.error);
    expect(c!.state).toBe('not-synced');
    expect(c!.error).toBe(
      "cluster wrong-token answered 401: the broker's credentials were refused: Unauthorized",
    );
    const write = await request(backend.server)
      .post('/api/kubevirt/vms/wrong-token/orders/orders-worker-1/pause')
      .send({});
    // the cache never listed: the VM is unknown there, whatever the cluster holds
    expect([401, 403, 404, 503]).toContain(write.status);
    expect(
      (await cluster('via-kubeconfig', s => s.state === 'synced'))!.state,
    ).toBe('synced');
  });

  it('lists clusters it cannot use with the reason, never skips them', async () => {
    const items = await clusters();
    expect(items.find(c => c.name === 'needs-user-token')).toMatchObject({
      state: 'not-synced',
      problem: expect.stringContaining(
        "authProvider oidc calls the cluster with the signed-in user's OIDC token, which the broker does not hold",
      ),
    });
    expect(items.find(c => c.name === 'no-provider')?.problem).toContain(
      'no authProvider',
    );
  });

  describe('impersonation', () => {
    const pauseAs = (user: string, clusterName = 'as-user') =>
      request(backend.server)
        .post(`/api/kubevirt/vms/${clusterName}/payments/payments-db-1/pause`)
        .set('Authorization', mockCredentials.user.header(user))
        .send({});

    it("runs a user's write as that user with their groups: the group's cluster role allows it", async () => {
      await cluster('as-user', s => s.state === 'synced');
      const res = await pauseAs(PAYMENTS_DEV);
      expect(res.status).toBe(202);
      await request(backend.server)
        .post('/api/kubevirt/vms/as-user/payments/payments-db-1/unpause')
        .set('Authorization', mockCredentials.user.header(PAYMENTS_DEV))
        .send({})
        .expect(202);
    });

    it("shows the cluster's refusal of a user Backstage allowed, naming the user", async () => {
      const res = await pauseAs(JANE);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(
        /^The cluster as-user refused jane@example.com: .*User "jane@example.com" cannot update resource "virtualmachineinstances\/pause"/,
      );
    });

    it("opens a user's console as that user: allowed for the group's role, refused for a user without it", async () => {
      const consoleAs = (user: string) => {
        const { port } = backend.server.address() as { port: number };
        const token = Buffer.from(
          mockCredentials.user.token(user),
          'utf8',
        ).toString('base64url');
        const ws = new WebSocket(
          `ws://127.0.0.1:${port}/api/kubevirt/vms/as-user/payments/payments-db-0/console`,
          [VM_CONSOLE_PROTOCOL, `${VM_CONSOLE_TOKEN_PROTOCOL_PREFIX}${token}`],
        );
        return new Promise<{ opened: boolean; code?: number; reason?: string }>(
          resolve => {
            // a refusal is accepted, then closed with its reason at once: a console still open later was allowed
            ws.once('open', () =>
              setTimeout(() => {
                resolve({ opened: true });
                ws.close();
              }, 1000),
            );
            ws.once('close', (code, reason) =>
              resolve({ opened: false, code, reason: reason.toString() }),
            );
            ws.once('error', () => {});
          },
        );
      };
      expect(await consoleAs(PAYMENTS_DEV)).toEqual({ opened: true });
      const refused = await consoleAs(JANE);
      expect(refused.code).toBe(4403);
      expect(refused.reason).toMatch(
        /^The cluster as-user refused jane@example.com/,
      );
    });

    it('says the broker lacks the impersonate right: found by its rights check, refused before any write', async () => {
      // the rights check at start finds it; until then the cluster's own refusal says the same (403)
      const c = await cluster('may-not-impersonate', s =>
        (s.capabilities?.missingRights ?? []).some(
          (r: any) => r.verb === 'impersonate',
        ),
      );
      expect(
        (c as any).capabilities.missingRights.find(
          (r: any) => r.verb === 'impersonate',
        ),
      ).toMatchObject({ resource: 'users', feature: 'impersonation' });
      const res = await pauseAs(PAYMENTS_DEV, 'may-not-impersonate');
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/impersonate/);
      expect(res.body.error.message).toContain('may-not-impersonate');
    });
  });
});
