import https from 'node:https';
import path from 'node:path';
import { kubectlFor } from '../__testUtils__/kubectl';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(60_000);

/**
 * Impersonation as kube-apiserver's WithImpersonation filter does it
 * (staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
 * driven with the real kubectl's --as/--as-group/--as-uid, and with raw
 * headers where kubectl has no flag.
 */
describe('impersonation', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  let brokerConfig: string;
  let viewerConfig: string;
  const as = (kubeconfig: string, ...args: string[]) =>
    k.kubectl(`--kubeconfig=${kubeconfig}`, ...args);

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    k = kubectlFor(sim);
    brokerConfig = k.file('broker', sim.kubeconfig('broker'));
    viewerConfig = path.join(k.dir, 'viewer');
    await sim.settled();
    // team-a may read VMs in payments only; jane may be impersonated by the viewer, nobody else
    const applied = await k.apply(
      'rbac.yaml',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-a-view, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kubevirt.io:view}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: team-a}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonate-jane}
rules: [{apiGroups: [''], resources: [users], verbs: [impersonate], resourceNames: [jane]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: viewer-impersonates-jane}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-jane}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: vm-viewer}]
`,
    );
    if (applied.code !== 0) throw new Error(applied.stderr);
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  it('runs the request as the impersonated user with the impersonated groups', async () => {
    // the broker itself may list everything; as jane in team-a only what team-a may
    const allowed = await as(
      brokerConfig,
      'get',
      'vm',
      '-n',
      'payments',
      '--as=jane',
      '--as-group=team-a',
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/NAME/);

    const otherNamespace = await as(
      brokerConfig,
      'get',
      'vm',
      '-n',
      'orders',
      '--as=jane',
      '--as-group=team-a',
    );
    expect(otherNamespace.code).not.toBe(0);
    expect(otherNamespace.stderr).toContain(
      'virtualmachines.kubevirt.io is forbidden: User "jane" cannot list resource "virtualmachines" in API group "kubevirt.io" in the namespace "orders"',
    );

    // without the group header jane is only system:authenticated: team-a's binding no longer applies
    const withoutGroup = await as(
      brokerConfig,
      'get',
      'vm',
      '-n',
      'payments',
      '--as=jane',
    );
    expect(withoutGroup.code).not.toBe(0);
    expect(withoutGroup.stderr).toContain(
      'User "jane" cannot list resource "virtualmachines" in API group "kubevirt.io" in the namespace "payments"',
    );
  });

  it('refuses a caller without the impersonate verb with the apiserver message', async () => {
    const refused = await as(
      viewerConfig,
      'get',
      'vm',
      '-n',
      'payments',
      '--as=bob',
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'users "bob" is forbidden: User "vm-viewer" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });

  it('checks each user, group and uid on its own (resourceNames apply)', async () => {
    // the viewer may be jane, but not jane in a group, nor with a uid
    const asJane = await as(viewerConfig, 'get', 'ns', 'payments', '--as=jane');
    // jane herself has no rights: the refusal names her, so impersonation itself passed
    expect(asJane.stderr).toContain(
      'namespaces "payments" is forbidden: User "jane" cannot get resource "namespaces"',
    );
    const withGroup = await as(
      viewerConfig,
      'get',
      'ns',
      'payments',
      '--as=jane',
      '--as-group=team-a',
    );
    expect(withGroup.stderr).toContain(
      'groups "team-a" is forbidden: User "vm-viewer" cannot impersonate resource "groups" in API group "" at the cluster scope',
    );
    const withUid = await as(
      viewerConfig,
      'get',
      'ns',
      'payments',
      '--as=jane',
      '--as-uid=1234',
    );
    expect(withUid.stderr).toContain(
      'uids.authentication.k8s.io "1234" is forbidden: User "vm-viewer" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope',
    );
  });

  it('impersonates a service account with its fixed groups, checked on serviceaccounts in its namespace', async () => {
    const admin = await k.kubectl(
      'get',
      'vm',
      '-A',
      '--as=system:serviceaccount:kubevirt-system:backstage-broker',
    );
    expect(admin.code).toBe(0);
    const refused = await as(
      brokerConfig,
      'get',
      'vm',
      '-A',
      '--as=system:serviceaccount:kube-system:default',
    );
    expect(refused.stderr).toContain(
      'serviceaccounts "default" is forbidden: User "system:serviceaccount:kubevirt-system:backstage-broker" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system"',
    );
  });

  const raw = (
    headers: Record<string, string>,
    token: string = sim.tokens.admin,
  ) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = https.request(
        new URL('/api/v1/namespaces', sim.url),
        {
          ca: sim.caCert,
          headers: { Authorization: `Bearer ${token}`, ...headers },
        },
        res => {
          let text = '';
          res.on('data', c => {
            text += c;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode!, body: JSON.parse(text) }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('answers 400 to groups, extras or a uid without a user (buildImpersonationRequests)', async () => {
    const { status, body } = await raw({ 'Impersonate-Group': 'team-a' });
    expect(status).toBe(400);
    expect(body.reason).toBe('BadRequest');
    expect(body.message).toBe(
      'requested [{Group  team-a    }] without impersonating a user',
    );
  });

  it('checks extras as userextras/<key> in authentication.k8s.io', async () => {
    const { body } = await raw(
      { 'Impersonate-User': 'jane', 'Impersonate-Extra-Scopes': 'view' },
      sim.tokens.viewer,
    );
    const refused = body.message;
    expect(refused).toBe(
      'userextras.authentication.k8s.io "view" is forbidden: User "vm-viewer" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
    );
    // a caller who may (system:masters) gets through; the request then runs as jane
    const ok = await raw({
      'Impersonate-User': 'jane',
      'Impersonate-Group': 'team-a',
    });
    expect(ok.status).toBe(403);
    expect(ok.body.message).toContain(
      'User "jane" cannot list resource "namespaces"',
    );
  });
});
