import { kubectlFor } from '../__testUtils__/kubectl';
import { rawRequest } from '../__testUtils__/rawRequest';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(60_000);

/**
 * A namespace's life as kube-apiserver 1.32 and the namespace controller
 * live it (pkg/registry/core/namespace/storage REST.Delete, namespace
 * strategy PrepareForCreate, pkg/controller/namespace/deletion, the
 * NamespaceLifecycle admission plugin), driven with the real kubectl.
 */
describe('namespaces through kubectl', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const nsYaml = (name: string) => `apiVersion: v1
kind: Namespace
metadata: {name: ${name}}
`;
  const vmYaml = (
    ns: string,
    name: string,
    extra = '',
  ) => `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: ${name}
  namespace: ${ns}
${extra}spec:
  runStrategy: Always
  instancetype: {name: u1.small}
  template:
    spec:
      domain: {devices: {}}
`;
  const json = async (...args: string[]) => {
    const r = await kubectl(...args, '-o', 'json');
    if (r.code !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    k = kubectlFor(sim);
    await sim.settled();
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  it('is Active with the kubernetes finalizer on create, and kubectl wait on its phase works', async () => {
    expect((await k.apply('ns.yaml', nsYaml('lab'))).code).toBe(0);
    const wait = await kubectl(
      'wait',
      '--for=jsonpath={.status.phase}=Active',
      'ns/lab',
      '--timeout=10s',
    );
    expect(wait.code).toBe(0);
    expect(wait.stdout).toContain('namespace/lab condition met');
    const ns = await json('get', 'ns', 'lab');
    expect(ns.spec.finalizers).toEqual(['kubernetes']);
    expect(ns.metadata.labels['kubernetes.io/metadata.name']).toBe('lab');
    expect(ns.metadata.generation).toBeUndefined();
  });

  it('terminates: its content is deleted, a held object keeps it Terminating with the conditions saying why, new content is 403, and a namespace of the same name starts empty', async () => {
    await k.apply('ns.yaml', nsYaml('doomed'));
    await k.apply('a.yaml', vmYaml('doomed', 'a'));
    await k.apply(
      'b.yaml',
      vmYaml('doomed', 'b', '  finalizers: [example.com/hold]\n'),
    );
    await sim.settled();
    expect((await json('get', 'vmi', '-n', 'doomed')).items).toHaveLength(2);

    // storage.go REST.Delete: the namespace itself, marked, 200
    const del = await rawRequest(sim)('DELETE', '/api/v1/namespaces/doomed');
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'doomed' },
      status: { phase: 'Terminating' },
    });
    const again = await kubectl('delete', 'ns', 'doomed', '--wait=false');
    expect(again.stdout).toContain('namespace "doomed" deleted');
    await sim.settled();
    const ns = await json('get', 'ns', 'doomed');
    expect(ns.status.phase).toBe('Terminating');
    expect(ns.metadata.deletionTimestamp).toBeTruthy();
    expect(ns.spec.finalizers).toEqual(['kubernetes']);
    const cond = (type: string) =>
      ns.status.conditions.find((c: any) => c.type === type);
    expect(cond('NamespaceContentRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeResourcesRemain',
      message:
        'Some resources are remaining: virtualmachines.kubevirt.io has 1 resource instances',
    });
    expect(cond('NamespaceFinalizersRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeFinalizersRemain',
      message:
        'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    });
    expect(cond('NamespaceDeletionDiscoveryFailure')).toMatchObject({
      status: 'False',
      reason: 'ResourcesDiscovered',
    });
    // everything else went: the VMIs, their pods, the other VM
    expect((await json('get', 'vmi', '-n', 'doomed')).items).toEqual([]);
    expect((await json('get', 'pods', '-n', 'doomed')).items).toEqual([]);
    expect(
      (await json('get', 'vm', '-n', 'doomed')).items.map(
        (v: any) => v.metadata.name,
      ),
    ).toEqual(['b']);

    // NamespaceLifecycle admission
    const late = await k.apply('c.yaml', vmYaml('doomed', 'c'));
    expect(late.code).toBe(1);
    expect(late.stderr).toContain(
      'virtualmachines.kubevirt.io "c" is forbidden: unable to create new content in namespace doomed because it is being terminated',
    );

    await kubectl(
      'patch',
      'vm',
      'b',
      '-n',
      'doomed',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    );
    const gone = await kubectl(
      'wait',
      '--for=delete',
      'ns/doomed',
      '--timeout=20s',
    );
    expect(gone.code).toBe(0);

    await k.apply('ns.yaml', nsYaml('doomed'));
    expect((await json('get', 'vm', '-n', 'doomed')).items).toEqual([]);
    expect((await json('get', 'ns', 'doomed')).status.phase).toBe('Active');
  });
});
