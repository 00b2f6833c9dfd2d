import { kubectlFor } from '../__testUtils__/kubectl';
import { rawRequest } from '../__testUtils__/rawRequest';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(60_000);

/**
 * Deletion as a real kube-apiserver 1.32 with KubeVirt 1.6 does it, driven
 * with the real kubectl: finalizers, propagation policies and the garbage
 * collector, and the answers a DELETE gets.
 */
describe('object lifecycle through kubectl', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const ns = 'payments';

  const raw = (method: string, path: string, body?: unknown) =>
    rawRequest(sim)(method, path, body);

  const vmYaml = (name: string, runStrategy: string, finalizers = '[]') =>
    `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: ${name}
  namespace: ${ns}
  finalizers: ${finalizers}
spec:
  runStrategy: ${runStrategy}
  instancetype: {name: u1.small}
  template:
    spec:
      domain: {devices: {}}
`;
  const configMap = (name: string, owner?: { name: string; uid: string }) =>
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${ns}
${
  owner
    ? `  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: ${owner.name}, uid: ${owner.uid}, blockOwnerDeletion: true}
  finalizers: [example.com/hold]
`
    : ''
}data: {a: b}
`;
  const json = async (...args: string[]) => {
    const r = await kubectl(...args, '-o', 'json');
    if (r.code !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  };
  const exists = async (kind: string, name: string) =>
    (await kubectl('get', kind, name, '-n', ns)).code === 0;
  const unhold = (kind: string, name: string) =>
    kubectl(
      'patch',
      kind,
      name,
      '-n',
      ns,
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    );

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    k = kubectlFor(sim);
    await sim.settled();
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  it('KubeVirt controllers remove only their own finalizers; another one holds the VM until it is removed', async () => {
    await k.apply('held.yaml', vmYaml('held', 'Halted', '[example.com/hold]'));
    await sim.settled();
    // vm.go sync addVMFinalizer: the controller adds its finalizer beside the user's
    expect(
      (await json('get', 'vm', 'held', '-n', ns)).metadata.finalizers,
    ).toEqual([
      'example.com/hold',
      'kubevirt.io/virtualMachineControllerFinalize',
    ]);
    const deleted = await kubectl(
      'delete',
      'vm',
      'held',
      '-n',
      ns,
      '--wait=false',
    );
    expect(deleted.stdout).toContain(
      'virtualmachine.kubevirt.io "held" deleted',
    );
    await sim.settled();
    const held = await json('get', 'vm', 'held', '-n', ns);
    // vm.go removeVMFinalizer drops only VirtualMachineControllerFinalizer
    expect(held.metadata.finalizers).toEqual(['example.com/hold']);
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    expect(held.status.printableStatus).toBe('Terminating');

    // objectmeta.go ValidateObjectMetaUpdate → ValidateNoNewFinalizers
    const added = await kubectl(
      'patch',
      'vm',
      'held',
      '-n',
      ns,
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":["example.com/hold","example.com/late"]}}',
    );
    expect(added.code).toBe(1);
    expect(added.stderr).toContain(
      // kubectl prints an Invalid error as "The <Kind> ..." (cmdutil.StandardErrorMessage)
      'The VirtualMachine "held" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/late"}',
    );

    // store.go Delete of a terminating object: no change, same version, 200 with the object
    const again = await raw(
      'DELETE',
      `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines/held`,
    );
    expect(again.status).toBe(200);
    expect(again.body.kind).toBe('VirtualMachine');
    expect(again.body.metadata.resourceVersion).toBe(
      held.metadata.resourceVersion,
    );

    // removing the last finalizer completes the delete (store.go shouldDeleteDuringUpdate)
    expect((await unhold('vm', 'held')).code).toBe(0);
    expect(await exists('vm', 'held')).toBe(false);
  });

  it('a VMI held by another finalizer keeps its VM until the finalizer goes (vmi/lifecycle.go, vm.go)', async () => {
    await k.apply('run.yaml', vmYaml('run', 'Always'));
    await sim.settled();
    const vmi = await json('get', 'vmi', 'run', '-n', ns);
    // the VM controller's finalizer and KubeVirt 1.6's VirtualMachineInstanceFinalizer
    expect(vmi.metadata.finalizers).toEqual([
      'kubevirt.io/virtualMachineControllerFinalize',
      'foregroundDeleteVirtualMachine',
    ]);
    await kubectl(
      'patch',
      'vmi',
      'run',
      '-n',
      ns,
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/finalizers/-","value":"example.com/hold"}]',
    );
    await kubectl('delete', 'vm', 'run', '-n', ns, '--wait=false');
    await sim.settled();
    const stopping = await json('get', 'vmi', 'run', '-n', ns);
    expect(stopping.metadata.deletionTimestamp).toBeTruthy();
    expect(stopping.metadata.finalizers).toEqual(['example.com/hold']);
    expect(await exists('vm', 'run')).toBe(true);

    await unhold('vmi', 'run');
    const gone = await kubectl(
      'wait',
      '--for=delete',
      'vm/run',
      '-n',
      ns,
      '--timeout=20s',
    );
    expect(gone.code).toBe(0);
    expect(await exists('vmi', 'run')).toBe(false);
    // the launcher pod went with its VMI (garbage collector, background)
    await sim.settled();
    const pods = await json(
      'get',
      'pods',
      '-n',
      ns,
      '-l',
      'vm.kubevirt.io/name=run',
    );
    expect(pods.items).toEqual([]);
  });

  it('a VMI carrying the domain-qualified finalizer of later KubeVirt releases is released too', async () => {
    await k.apply(
      'lone.yaml',
      `apiVersion: kubevirt.io/v1
kind: VirtualMachineInstance
metadata:
  name: lone
  namespace: ${ns}
  finalizers: [kubevirt.io/foregroundDeleteVirtualMachine]
spec:
  domain: {devices: {}, memory: {guest: 1Gi}}
`,
    );
    await sim.settled();
    const deleted = await kubectl(
      'delete',
      'vmi',
      'lone',
      '-n',
      ns,
      '--timeout=20s',
    );
    expect(deleted.code).toBe(0);
    expect(await exists('vmi', 'lone')).toBe(false);
  });

  it('--cascade=foreground keeps the VM with foregroundDeletion until its VMI is gone (store.go deletionFinalizersForGarbageCollection, garbagecollector processDeletingDependentsItem)', async () => {
    await k.apply('fg.yaml', vmYaml('fg', 'Always'));
    await sim.settled();
    await kubectl(
      'patch',
      'vmi',
      'fg',
      '-n',
      ns,
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/finalizers/-","value":"example.com/hold"}]',
    );
    const deleted = await kubectl(
      'delete',
      'vm',
      'fg',
      '-n',
      ns,
      '--cascade=foreground',
      '--wait=false',
    );
    expect(deleted.code).toBe(0);
    await sim.settled();
    const vm = await json('get', 'vm', 'fg', '-n', ns);
    expect(vm.metadata.deletionTimestamp).toBeTruthy();
    expect(vm.metadata.finalizers).toContain('foregroundDeletion');
    expect(vm.status.printableStatus).toBe('Terminating');
    expect(
      (await json('get', 'vmi', 'fg', '-n', ns)).metadata.deletionTimestamp,
    ).toBeTruthy();

    await unhold('vmi', 'fg');
    expect(
      (
        await kubectl(
          'wait',
          '--for=delete',
          'vm/fg',
          '-n',
          ns,
          '--timeout=20s',
        )
      ).code,
    ).toBe(0);
    expect(await exists('vmi', 'fg')).toBe(false);
  });

  it('--cascade=orphan removes the VM and leaves its VMI running without the owner reference', async () => {
    await k.apply('orph.yaml', vmYaml('orph', 'Always'));
    await sim.settled();
    const deleted = await kubectl(
      'delete',
      'vm',
      'orph',
      '-n',
      ns,
      '--cascade=orphan',
    );
    expect(deleted.code).toBe(0);
    await sim.settled();
    expect(await exists('vm', 'orph')).toBe(false);
    const vmi = await json('get', 'vmi', 'orph', '-n', ns);
    expect(vmi.metadata.deletionTimestamp).toBeUndefined();
    expect(vmi.metadata.ownerReferences).toBeUndefined();
    expect(vmi.status.phase).toBe('Running');
    await kubectl('delete', 'vmi', 'orph', '-n', ns);
  });

  /** An owner config map and a dependent that blocks it and is held by a finalizer of its own. */
  const ownerAndDependent = async (policy: string) => {
    const owner = `owner-${policy}`;
    const dependent = `dep-${policy}`;
    await k.apply(`${owner}.yaml`, configMap(owner));
    const uid = (await json('get', 'cm', owner, '-n', ns)).metadata.uid;
    await k.apply(
      `${dependent}.yaml`,
      configMap(dependent, { name: owner, uid }),
    );
    const del = await kubectl(
      'delete',
      'cm',
      owner,
      '-n',
      ns,
      `--cascade=${policy}`,
      '--wait=false',
    );
    expect(del.code).toBe(0);
    await sim.settled();
    return { owner, dependent };
  };

  it('background removes the owner at once and the garbage collector deletes its dependents after (attemptToDeleteItem)', async () => {
    const { owner, dependent } = await ownerAndDependent('background');
    expect(await exists('cm', owner)).toBe(false);
    expect(
      (await json('get', 'cm', dependent, '-n', ns)).metadata.deletionTimestamp,
    ).toBeTruthy();
    await unhold('cm', dependent);
    expect(await exists('cm', dependent)).toBe(false);
  });

  it('foreground keeps the owner with foregroundDeletion while a blocking dependent is there (processDeletingDependentsItem)', async () => {
    const { owner, dependent } = await ownerAndDependent('foreground');
    const held = await json('get', 'cm', owner, '-n', ns);
    expect(held.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    expect(
      (await json('get', 'cm', dependent, '-n', ns)).metadata.deletionTimestamp,
    ).toBeTruthy();
    await unhold('cm', dependent);
    await sim.settled();
    expect(await exists('cm', dependent)).toBe(false);
    expect(await exists('cm', owner)).toBe(false);
  });

  it('orphan removes the owner and the reference to it, and leaves the dependent (orphanDependents)', async () => {
    const { owner, dependent } = await ownerAndDependent('orphan');
    expect(await exists('cm', owner)).toBe(false);
    const dep = await json('get', 'cm', dependent, '-n', ns);
    expect(dep.metadata.deletionTimestamp).toBeUndefined();
    expect(dep.metadata.ownerReferences).toBeUndefined();
  });

  it('answers a DELETE as the registry does: Status for custom resources and config maps, the object for pods, 200 while finalizers hold it (store.go finalizeDelete, handlers/delete.go)', async () => {
    await k.apply(
      'it.yaml',
      `apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineInstancetype
metadata: {name: tiny, namespace: ${ns}}
spec: {cpu: {guest: 1}, memory: {guest: 1Gi}}
`,
    );
    const it = await json('get', 'vminstancetype', 'tiny', '-n', ns);
    const path = `/apis/instancetype.kubevirt.io/v1beta1/namespaces/${ns}/virtualmachineinstancetypes/tiny`;
    const expected = {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Success',
      details: {
        name: 'tiny',
        group: 'instancetype.kubevirt.io',
        kind: 'virtualmachineinstancetypes',
        uid: it.metadata.uid,
      },
    };
    const dry = await raw('DELETE', `${path}?dryRun=All`);
    expect(dry).toEqual({ status: 200, body: { ...expected, metadata: {} } });
    expect(await exists('vminstancetype', 'tiny')).toBe(true);
    // kubectl prints what it got: a Status, so the plain "deleted" line
    const now = await kubectl('delete', '--raw', path);
    expect(JSON.parse(now.stdout)).toEqual({ ...expected, metadata: {} });
    expect(await exists('vminstancetype', 'tiny')).toBe(false);

    await k.apply('plain.yaml', configMap('plain'));
    const cm = await raw('DELETE', `/api/v1/namespaces/${ns}/configmaps/plain`);
    expect(cm.body).toMatchObject({
      kind: 'Status',
      details: { name: 'plain', kind: 'configmaps' },
    });
    expect(cm.body.details.group).toBeUndefined();

    await k.apply(
      'pod.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: plain-pod, namespace: ${ns}}
spec: {containers: [{name: c, image: busybox}]}
`,
    );
    const pod = await raw('DELETE', `/api/v1/namespaces/${ns}/pods/plain-pod`);
    expect(pod.status).toBe(200);
    expect(pod.body).toMatchObject({
      kind: 'Pod',
      metadata: { name: 'plain-pod' },
    });

    await k.apply('vm.yaml', vmYaml('answered', 'Halted'));
    await sim.settled();
    const waiting = await raw(
      'DELETE',
      `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines/answered`,
      {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        propagationPolicy: 'Foreground',
      },
    );
    expect(waiting.status).toBe(200);
    expect(waiting.body.kind).toBe('VirtualMachine');
    expect(waiting.body.metadata.deletionTimestamp).toBeTruthy();
    expect(waiting.body.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(waiting.body.metadata.finalizers).toEqual([
      'kubevirt.io/virtualMachineControllerFinalize',
      'foregroundDeletion',
    ]);

    const bad = await raw(
      'DELETE',
      `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines/answered?propagationPolicy=Sideways`,
    );
    expect(bad.status).toBe(422);
    expect(bad.body.message).toBe(
      'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan"',
    );
  });
});
