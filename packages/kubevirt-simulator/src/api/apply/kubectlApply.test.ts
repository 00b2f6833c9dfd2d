import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { kubectlFor } from '../../__testUtils__/kubectl';
import { requestWithHeaders } from '../../__testUtils__/requestWithHeaders';
import { Simulator, startSimulator } from '../../index';

jest.setTimeout(90_000);

const run = promisify(execFile);

/**
 * `kubectl apply --server-side` against the simulator, asserting what
 * kube-apiserver 1.32 answers: apiserver `handlers/patch.go` (applyPatcher,
 * create on apply), apimachinery `util/managedfields/internal`
 * (conflict.go NewConflictError, stripmeta.go) and structured-merge-diff
 * `merge/update.go` (Updater.Apply: conflicts, force, prune).
 */
describe('kubectl apply --server-side', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  const vm = (
    name: string,
    spec: string,
    labels = 'app: ssa',
  ) => `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: ${name}
  namespace: ssa
  labels: {${labels}}
spec:
${spec}
  template:
    spec:
      domain: {devices: {}}
`;
  const applyFile = (name: string, text: string, ...flags: string[]) =>
    k.kubectl('apply', '--server-side', ...flags, '-f', k.file(name, text));
  const getVm = async (name: string) =>
    JSON.parse(
      (
        await k.kubectl(
          'get',
          'vm',
          name,
          '-n',
          'ssa',
          '-o',
          'json',
          '--show-managed-fields',
        )
      ).stdout,
    );
  const managers = (o: any) =>
    (o.metadata.managedFields ?? []).map((m: any) => [m.manager, m.operation]);

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0, seed: 'none' });
    k = kubectlFor(sim);
    const ns = await k.kubectl('create', 'namespace', 'ssa');
    if (ns.code !== 0) throw new Error(ns.stderr);
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  it('creates a new object, owned by the manager "kubectl" with operation Apply', async () => {
    const r = await applyFile('a.yaml', vm('a', '  runStrategy: Halted'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'virtualmachine.kubevirt.io/a serverside-applied',
    );
    const a = await getVm('a');
    expect(a.spec.runStrategy).toBe('Halted');
    expect(a.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'kubevirt.io/v1',
        time: expect.any(String),
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:runStrategy': {},
            'f:template': {
              'f:spec': { 'f:domain': { 'f:devices': {} } },
            },
          },
        },
      },
    ]);
    // kubectl hides managedFields unless asked, as it does against a real cluster
    const plain = await k.kubectl('get', 'vm', 'a', '-n', 'ssa', '-o', 'yaml');
    expect(plain.stdout).not.toContain('managedFields');
  });

  it('re-applying the same configuration changes nothing, not even the resourceVersion', async () => {
    const before = await getVm('a');
    const r = await applyFile('a.yaml', vm('a', '  runStrategy: Halted'));
    expect(r.code).toBe(0);
    const after = await getVm('a');
    expect(after.metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
    expect(after.metadata.managedFields).toEqual(before.metadata.managedFields);
  });

  it('conflicts with a field kubectl edit changed, naming the manager and the field; --force-conflicts takes it', async () => {
    await applyFile('b.yaml', vm('b', '  runStrategy: Halted'));
    // kubectl edit with an editor that changes the run strategy in place
    await run('kubectl', ['edit', 'vm', 'b', '-n', 'ssa'], {
      env: {
        ...k.env,
        KUBE_EDITOR: 'sed -i s/runStrategy:\\ Halted/runStrategy:\\ Always/',
      },
    });
    const edited = await getVm('b');
    expect(edited.spec.runStrategy).toBe('Always');
    expect(managers(edited)).toEqual([
      ['kubectl', 'Apply'],
      ['kubectl-edit', 'Update'],
    ]);

    const conflict = await applyFile(
      'b.yaml',
      vm('b', '  runStrategy: Manual'),
    );
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using kubevirt.io/v1: .spec.runStrategy',
    );
    expect((await getVm('b')).spec.runStrategy).toBe('Always');

    const forced = await applyFile(
      'b.yaml',
      vm('b', '  runStrategy: Manual'),
      '--force-conflicts',
    );
    expect(forced.code).toBe(0);
    const taken = await getVm('b');
    expect(taken.spec.runStrategy).toBe('Manual');
    // kubectl-edit owned nothing else, so it is gone from managedFields
    expect(managers(taken)).toEqual([['kubectl', 'Apply']]);
  });

  it('answers 409 with FieldManagerConflict causes for fields kubectl patch owns', async () => {
    await applyFile('c.yaml', vm('c', '  runStrategy: Halted'));
    const patch = await k.kubectl(
      'patch',
      'vm',
      'c',
      '-n',
      'ssa',
      '--type',
      'merge',
      '-p',
      '{"metadata":{"labels":{"app":"patched"}},"spec":{"runStrategy":"Always"}}',
    );
    expect(patch.code).toBe(0);
    const r = await requestWithHeaders(
      sim,
      'PATCH',
      '/apis/kubevirt.io/v1/namespaces/ssa/virtualmachines/c?fieldManager=kubectl',
      {
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
        body: vm('c', '  runStrategy: Halted'),
      },
    );
    expect(r.status).toBe(409);
    expect(r.body.reason).toBe('Conflict');
    expect(r.body.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-patch" using kubevirt.io/v1:\n- .metadata.labels.app\n- .spec.runStrategy',
    );
    expect(r.body.details.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-patch" using kubevirt.io/v1',
        field: '.metadata.labels.app',
      },
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-patch" using kubevirt.io/v1',
        field: '.spec.runStrategy',
      },
    ]);
  });

  it('removes a field the applier stops applying and alone owned', async () => {
    await applyFile(
      'd.yaml',
      vm(
        'd',
        '  runStrategy: Halted\n  instancetype: {name: u1.small}',
        'app: ssa, tier: web',
      ),
    );
    expect((await getVm('d')).spec.instancetype).toEqual({ name: 'u1.small' });
    const r = await applyFile('d.yaml', vm('d', '  runStrategy: Halted'));
    expect(r.code).toBe(0);
    const d = await getVm('d');
    expect(d.spec.instancetype).toBeUndefined();
    expect(d.metadata.labels).toEqual({ app: 'ssa' });
  });

  it('--dry-run=server answers the applied object and stores nothing', async () => {
    const r = await k.kubectl(
      'apply',
      '--server-side',
      '--dry-run=server',
      '-o',
      'json',
      '-f',
      k.file('a2.yaml', vm('a', '  runStrategy: Always')),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).spec.runStrategy).toBe('Always');
    expect((await getVm('a')).spec.runStrategy).toBe('Halted');
    const fresh = await k.kubectl(
      'apply',
      '--server-side',
      '--dry-run=server',
      '-f',
      k.file('e.yaml', vm('e', '  runStrategy: Halted')),
    );
    expect(fresh.code).toBe(0);
    expect((await k.kubectl('get', 'vm', 'e', '-n', 'ssa')).stderr).toContain(
      'not found',
    );
  });

  it('records create, update and patch as operation Update by their field manager', async () => {
    const created = await k.kubectl(
      'create',
      '-f',
      k.file('f.yaml', vm('f', '  runStrategy: Halted')),
    );
    expect(created.code).toBe(0);
    await k.kubectl(
      'patch',
      'vm',
      'f',
      '-n',
      'ssa',
      '--type',
      'merge',
      '-p',
      '{"spec":{"runStrategy":"Always"}}',
    );
    const f = await getVm('f');
    expect(managers(f)).toEqual([
      ['kubectl-create', 'Update'],
      ['kubectl-patch', 'Update'],
    ]);
    const patchFields = f.metadata.managedFields[1].fieldsV1;
    expect(patchFields).toEqual({ 'f:spec': { 'f:runStrategy': {} } });
  });

  it('records an apply to the status subresource under its own identity (subresource: status)', async () => {
    const r = await k.kubectl(
      'apply',
      '--server-side',
      '--subresource=status',
      '--field-manager=status-bot',
      '-f',
      k.file(
        'a-status.yaml',
        'apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata: {name: a, namespace: ssa}\nstatus: {printableStatus: Provisioning}\n',
      ),
    );
    expect(r.code).toBe(0);
    const entry = (await getVm('a')).metadata.managedFields.find(
      (m: any) => m.manager === 'status-bot',
    );
    expect(entry).toMatchObject({
      operation: 'Apply',
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:printableStatus': {} } },
    });
  });

  it('needs a field manager for apply: 422 on PatchOptions (ValidatePatchOptions)', async () => {
    const r = await requestWithHeaders(
      sim,
      'PATCH',
      '/apis/kubevirt.io/v1/namespaces/ssa/virtualmachines/a',
      {
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
        body: vm('a', '  runStrategy: Halted'),
      },
    );
    expect(r.status).toBe(422);
    expect(r.body.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
    const force = await requestWithHeaders(
      sim,
      'PATCH',
      '/apis/kubevirt.io/v1/namespaces/ssa/virtualmachines/a?force=true',
      {
        headers: { 'Content-Type': 'application/merge-patch+json' },
        body: '{}',
      },
    );
    expect(force.status).toBe(422);
    expect(force.body.details.causes[0].field).toBe('force');
  });
});
