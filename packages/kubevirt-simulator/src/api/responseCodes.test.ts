import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { kubectlFor } from '../__testUtils__/kubectl';
import { rawRequest } from '../__testUtils__/rawRequest';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(60_000);

/**
 * Codes and shapes a client can tell apart, as kube-apiserver 1.32 answers
 * them, through the real kubectl and @kubernetes/client-node.
 */
describe('answers as kube-apiserver 1.32 gives them', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const ns = 'payments';
  const vmYaml = (name: string, extra = '') => `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: ${name}
  namespace: ${ns}
${extra}spec:
  runStrategy: Halted
  template:
    spec:
      domain: {devices: {}}
`;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    k = kubectlFor(sim);
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig('admin'));
    custom = kc.makeApiClient(CustomObjectsApi);
    core = kc.makeApiClient(CoreV1Api);
    await sim.settled();
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  it('a PUT of a custom resource without metadata.resourceVersion is 422 (store.go Update, CRDs allow no unconditional update)', async () => {
    await k.apply('put.yaml', vmYaml('put-me'));
    const raw = await rawRequest(sim)(
      'PUT',
      `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines/put-me`,
      {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachine',
        metadata: { name: 'put-me', namespace: ns },
        spec: {
          runStrategy: 'Halted',
          template: { spec: { domain: { devices: {} } } },
        },
      },
    );
    expect(raw.status).toBe(422);
    expect(raw.body.message).toBe(
      'virtualmachines.kubevirt.io "put-me" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
    );
    // kubectl replace fills in the version it reads first, so it gets through
    const replaced = await kubectl(
      'replace',
      '-f',
      k.file('put2.yaml', vmYaml('put-me', '  labels: {a: b}\n')),
    );
    expect(replaced.code).toBe(0);
    // with the version it is an update as before
    const current = JSON.parse(
      (await kubectl('get', 'vm', 'put-me', '-n', ns, '-o', 'json')).stdout,
    );
    current.metadata.labels = { a: 'c' };
    const ok = await kubectl(
      'replace',
      '-f',
      k.file('put3.json', JSON.stringify(current)),
    );
    expect(ok.code).toBe(0);
  });

  it("a JSON patch whose test fails is 422 with json-patch's cause, not a 409 a client would retry (patch.go applyJSPatch)", async () => {
    const patched = await kubectl(
      'patch',
      'vm',
      'payments-db-0',
      '-n',
      ns,
      '--type=json',
      '-p',
      '[{"op":"test","path":"/spec/runStrategy","value":"Nope"},{"op":"replace","path":"/spec/runStrategy","value":"Halted"}]',
    );
    expect(patched.code).toBe(1);
    // kubectl's words for a 422 without a kind (cmdutil.StandardErrorMessage), then the cause
    expect(patched.stderr).toContain(
      'The request is invalid: : testing value /spec/runStrategy failed: test failed',
    );
    await expect(
      custom.patchNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        plural: 'virtualmachines',
        namespace: ns,
        name: 'payments-db-0',
        body: [{ op: 'test', path: '/spec/runStrategy', value: 'Nope' }],
      }),
    ).rejects.toMatchObject({ code: 422 });
    const raw = await rawRequest(sim)(
      'GET',
      `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines/payments-db-0`,
    );
    expect(raw.body.spec.runStrategy).not.toBe('Halted');
  });

  it('a watch from a resourceVersion that is not a number is refused, not an empty stream (APIObjectVersioner.ParseResourceVersion)', async () => {
    const watched = await kubectl(
      'get',
      '--raw',
      '/apis/kubevirt.io/v1/virtualmachines?watch=1&resourceVersion=abc',
    );
    expect(watched.code).toBe(1);
    expect(watched.stderr).toContain(
      'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
    );
    const raw = await rawRequest(sim)(
      'GET',
      '/apis/kubevirt.io/v1/virtualmachines?watch=1&resourceVersion=abc',
    );
    expect(raw).toEqual({
      status: 500,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
        code: 500,
      },
    });
  });

  it("a watch from before a compaction is 410 with the cache's message (watch_cache.go getAllEventsSinceLocked)", async () => {
    const before = await rawRequest(sim)(
      'GET',
      '/apis/kubevirt.io/v1/virtualmachines',
    );
    const rv = before.body.metadata.resourceVersion;
    await k.apply('w.yaml', vmYaml('watched'));
    sim.faults.forceExpire();
    const watched = await kubectl(
      'get',
      '--raw',
      `/apis/kubevirt.io/v1/virtualmachines?watch=1&resourceVersion=${rv}`,
    );
    expect(watched.code).toBe(1);
    expect(watched.stderr).toMatch(
      new RegExp(`too old resource version: ${rv} \\(\\d+\\)`),
    );
  });

  it('a dry-run create has no resourceVersion and stores nothing (etcd3 store Create with dryRun)', async () => {
    const dry = await kubectl(
      'create',
      '-f',
      k.file('dry.yaml', vmYaml('dry')),
      '--dry-run=server',
      '-o',
      'json',
    );
    expect(dry.code).toBe(0);
    const obj = JSON.parse(dry.stdout);
    expect(obj.metadata.uid).toBeTruthy();
    expect(obj.metadata.resourceVersion).toBeUndefined();
    expect((await kubectl('get', 'vm', 'dry', '-n', ns)).code).toBe(1);
  });

  it('a kind that does not match the resource: 422 on `kind` for a custom resource (ValidateTypeMeta), 400 for a built-in one (create.go transformDecodeError)', async () => {
    await expect(
      custom.createNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        plural: 'virtualmachines',
        namespace: ns,
        body: {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachineInstance',
          metadata: { name: 'odd' },
          spec: {},
        },
      }),
    ).rejects.toMatchObject({
      code: 422,
      body: expect.stringContaining(
        'VirtualMachineInstance.kubevirt.io \\"odd\\" is invalid: kind: Invalid value: \\"VirtualMachineInstance\\": must be VirtualMachine',
      ),
    });
    const cm = await rawRequest(sim)(
      'POST',
      `/api/v1/namespaces/${ns}/configmaps`,
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'odd' },
      },
    );
    expect(cm.status).toBe(400);
    expect(cm.body.message).toMatch(
      /^Secret in version "v1" cannot be handled as a ConfigMap: /,
    );
    await expect(
      core.readNamespacedConfigMap({ name: 'odd', namespace: ns }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('events have no metadata.generation (core kinds carry none)', async () => {
    const events = JSON.parse(
      (await kubectl('get', 'events', '-A', '-o', 'json')).stdout,
    );
    expect(events.items.length).toBeGreaterThan(0);
    expect(
      events.items.filter((e: any) => e.metadata.generation !== undefined),
    ).toEqual([]);
    const vm = JSON.parse(
      (await kubectl('get', 'vm', 'payments-db-0', '-n', ns, '-o', 'json'))
        .stdout,
    );
    expect(vm.metadata.generation).toBeGreaterThanOrEqual(1);
  });
});
