import path from 'node:path';
import { kubectlFor } from '../__testUtils__/kubectl';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(60_000);

/**
 * `kubectl auth can-i`, `auth can-i --list` and `auth whoami` (which send
 * protobuf bodies) against the review APIs, decided by the simulator's RBAC
 * as kube-apiserver decides them.
 */
describe('authorization and identity reviews', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const asViewer = (...args: string[]) =>
    k.kubectl('--kubeconfig', path.join(k.dir, 'viewer'), ...args);

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    k = kubectlFor(sim);
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  // pkg/registry/authorization/selfsubjectaccessreview/rest.go Create: the caller's own attributes through the
  // authorizer; plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows for resources, subresources and paths
  it('answers kubectl auth can-i for resources, subresources and non-resource URLs', async () => {
    const mayList = await asViewer(
      'auth',
      'can-i',
      'list',
      'vm',
      '-n',
      'payments',
    );
    expect([mayList.code, mayList.stdout.trim()]).toEqual([0, 'yes']);
    const mayDelete = await asViewer(
      'auth',
      'can-i',
      'delete',
      'vm',
      '-n',
      'payments',
    );
    expect([mayDelete.code, mayDelete.stdout.trim()]).toEqual([1, 'no']);
    expect(
      (await kubectl('auth', 'can-i', 'delete', 'vm', '-n', 'payments')).stdout,
    ).toBe('yes\n');
    // cluster-reader grants '' resources '*', which covers pods/log; kubevirt.io:view grants no subresource
    const logs = await asViewer(
      'auth',
      'can-i',
      'get',
      'pods',
      '--subresource=log',
      '-n',
      'payments',
    );
    expect(logs.stdout.trim()).toBe('yes');
    const status = await asViewer(
      'auth',
      'can-i',
      'update',
      'vm',
      '--subresource=status',
      '-n',
      'payments',
    );
    expect(status.stdout.trim()).toBe('no');
    // non-resource URLs: system:discovery and system:public-info-viewer (bootstrappolicy/policy.go)
    expect((await asViewer('auth', 'can-i', 'get', '/healthz')).stdout).toBe(
      'yes\n',
    );
    expect(
      (await asViewer('auth', 'can-i', 'get', '/apis/kubevirt.io')).stdout,
    ).toBe('yes\n');
    expect((await asViewer('auth', 'can-i', 'get', '/metrics')).stdout).toBe(
      'no\n',
    );
    expect((await kubectl('auth', 'can-i', 'get', '/metrics')).stdout).toBe(
      'yes\n',
    );
  });

  // rbac.go Authorize: the reason names the binding that allowed it (rule.go clusterRoleBindingDescriber)
  it('gives the allowing binding as the reason, as the RBAC authorizer does', async () => {
    const review = k.file(
      'ssar.yaml',
      `apiVersion: authorization.k8s.io/v1
kind: SelfSubjectAccessReview
spec:
  resourceAttributes: {namespace: payments, verb: list, group: kubevirt.io, resource: virtualmachines}
`,
    );
    const allowed = await asViewer('create', '-f', review, '-o', 'json');
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout).status).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "vm-viewer-view" of ClusterRole "kubevirt.io:view" to User "vm-viewer"',
    });
    // validation.go ValidateSelfSubjectAccessReviewSpec
    const empty = await kubectl(
      'create',
      '-f',
      k.file(
        'empty.yaml',
        'apiVersion: authorization.k8s.io/v1\nkind: SelfSubjectAccessReview\nspec: {}\n',
      ),
    );
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain(
      'The SelfSubjectAccessReview "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  });

  // rule.go: RoleBindings of the request's namespace after the ClusterRoleBindings, described as "name/namespace";
  // a binding to a missing role is a resolution error that rbac.go puts in the reason of a denial
  it('decides with the namespace’s RoleBindings and reports a binding to a missing role', async () => {
    const applied = await k.apply(
      'rolebindings.yaml',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: vm-status-writer, namespace: payments}
rules:
- {apiGroups: [kubevirt.io], resources: [virtualmachines/status], verbs: [update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewer-status, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: vm-status-writer}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: vm-viewer}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dangling, namespace: orders}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: vm-viewer}]
`,
    );
    expect(applied.code).toBe(0);
    const review = (namespace: string) =>
      asViewer(
        'create',
        '-f',
        k.file(
          `ssar-${namespace}.yaml`,
          `apiVersion: authorization.k8s.io/v1
kind: SelfSubjectAccessReview
spec:
  resourceAttributes: {namespace: ${namespace}, verb: update, group: kubevirt.io, resource: virtualmachines, subresource: status}
`,
        ),
        '-o',
        'jsonpath={.status}',
      );
    expect(JSON.parse((await review('payments')).stdout)).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "viewer-status/payments" of Role "vm-status-writer" to User "vm-viewer"',
    });
    const dangling = await asViewer(
      'auth',
      'can-i',
      'update',
      'vm',
      '--subresource=status',
      '-n',
      'orders',
    );
    expect(dangling.code).toBe(1);
    expect(dangling.stdout).toBe(
      'no - RBAC: role.rbac.authorization.k8s.io "gone" not found\n',
    );
  });

  // pkg/registry/authorization/subjectaccessreview/rest.go: any subject, for callers with create on subjectaccessreviews
  it('answers SubjectAccessReview for another subject, and only to callers allowed to create it', async () => {
    const sar = k.file(
      'sar.yaml',
      `apiVersion: authorization.k8s.io/v1
kind: SubjectAccessReview
spec:
  user: vm-viewer
  groups: [system:authenticated]
  resourceAttributes: {namespace: payments, verb: delete, group: kubevirt.io, resource: virtualmachines, name: payments-db-0}
`,
    );
    const asAdmin = await kubectl('create', '-f', sar, '-o', 'json');
    expect(asAdmin.code).toBe(0);
    expect(JSON.parse(asAdmin.stdout).status).toEqual({ allowed: false });
    const broker = await kubectl(
      'create',
      '-f',
      k.file(
        'sar-broker.yaml',
        `apiVersion: authorization.k8s.io/v1
kind: SubjectAccessReview
spec:
  user: system:serviceaccount:kubevirt-system:backstage-broker
  resourceAttributes: {namespace: payments, verb: delete, group: kubevirt.io, resource: virtualmachines}
`,
      ),
      '-o',
      'jsonpath={.status.reason}',
    );
    expect(broker.stdout).toBe(
      'RBAC: allowed by ClusterRoleBinding "backstage-broker" of ClusterRole "backstage-broker" to ServiceAccount "backstage-broker/kubevirt-system"',
    );
    const refused = await asViewer('create', '-f', sar);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'subjectaccessreviews.authorization.k8s.io is forbidden: User "vm-viewer" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope',
    );
    const noSubject = await kubectl(
      'create',
      '-f',
      k.file(
        'sar-nobody.yaml',
        'apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n  nonResourceAttributes: {path: /healthz, verb: get}\n',
      ),
    );
    expect(noSubject.stderr).toContain(
      'The SubjectAccessReview "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified',
    );
  });

  // pkg/registry/authorization/selfsubjectrulesreview/rest.go and rbac.go RulesFor
  it('lists the caller’s rules for kubectl auth can-i --list', async () => {
    const list = await asViewer('auth', 'can-i', '--list', '-n', 'payments');
    expect(list.code).toBe(0);
    const rows = list.stdout.split('\n').map(l => l.split(/\s{2,}/));
    expect(rows).toContainEqual([
      'virtualmachines.kubevirt.io',
      '[]',
      '[]',
      '[get list watch]',
    ]);
    expect(rows).toContainEqual([
      'selfsubjectaccessreviews.authorization.k8s.io',
      '[]',
      '[]',
      '[create]',
    ]);
    expect(rows).toContainEqual(['', '[/healthz]', '[]', '[get]']);
    expect(list.stdout).not.toContain('[*]');
    const admin = await kubectl('auth', 'can-i', '--list');
    // system:masters is bound to cluster-admin
    expect(admin.stdout).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    expect(admin.stdout).toMatch(/^\s+\[\*\]\s+\[\]\s+\[\*\]$/m);
    const noNamespace = await kubectl(
      'create',
      '-f',
      k.file(
        'ssrr.yaml',
        'apiVersion: authorization.k8s.io/v1\nkind: SelfSubjectRulesReview\nspec: {}\n',
      ),
    );
    expect(noNamespace.stderr).toContain(
      `Error from server (BadRequest): error when creating "${path.join(
        k.dir,
        'ssrr.yaml',
      )}": no namespace on request`,
    );
  });

  // pkg/registry/authentication/selfsubjectreview/rest.go Create
  it('tells the caller who they are for kubectl auth whoami', async () => {
    const viewer = await asViewer('auth', 'whoami');
    expect(viewer.code).toBe(0);
    expect(viewer.stdout).toMatch(/^Username\s+vm-viewer$/m);
    expect(viewer.stdout).toMatch(/^Groups\s+\[system:authenticated\]$/m);
    const admin = await kubectl('auth', 'whoami', '-o', 'json');
    expect(JSON.parse(admin.stdout).status.userInfo).toEqual({
      username: 'kubernetes-admin',
      groups: ['system:masters', 'system:authenticated'],
    });
  });

  it('serves the review kinds as create-only in discovery, and nothing else on them', async () => {
    const resources = await kubectl(
      'api-resources',
      '--api-group=authorization.k8s.io',
      '-o',
      'wide',
    );
    expect(resources.stdout).toMatch(
      /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview\s+create/m,
    );
    expect(
      (await kubectl('api-resources', '--api-group=authentication.k8s.io'))
        .stdout,
    ).toMatch(
      /^selfsubjectreviews\s+authentication\.k8s\.io\/v1\s+false\s+SelfSubjectReview$/m,
    );
    const get = await kubectl(
      'get',
      '--raw',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    );
    expect(get.stderr).toContain('MethodNotAllowed');
  });
});
