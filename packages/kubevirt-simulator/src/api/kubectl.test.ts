import { spawn } from 'node:child_process';
import path from 'node:path';
import { kubectlFor } from '../__testUtils__/kubectl';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(60_000);

/**
 * Drives the simulator with the real kubectl (1.32 on this machine), as an
 * operator would, asserting on output and exit codes.
 */
describe('kubectl against the simulator', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const file = (name: string, text: string) => k.file(name, text);
  const vmYaml = (runStrategy: string) => `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: demo
  namespace: payments
  labels: {backstage.io/kubernetes-id: payments-api}
spec:
  runStrategy: ${runStrategy}
  instancetype: {name: u1.small}
  template:
    spec:
      domain: {devices: {}}
`;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    k = kubectlFor(sim);
    await sim.settled();
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  it('lists the KubeVirt kinds in api-resources with short names', async () => {
    const { code, stdout } = await kubectl(
      'api-resources',
      '--api-group=kubevirt.io',
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /virtualmachines\s+vm,vms\s+kubevirt\.io\/v1\s+true\s+VirtualMachine/,
    );
    expect(stdout).toMatch(
      /virtualmachineinstances\s+vmi,vmis\s+kubevirt\.io\/v1\s+true\s+VirtualMachineInstance/,
    );
  });

  it('prints VMs with KubeVirt printer columns and YAML', async () => {
    const table = await kubectl('get', 'vm', '-n', 'orders');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/NAME\s+AGE\s+STATUS\s+READY/);
    expect(table.stdout).toMatch(/orders-worker-1\s+\S+\s+Running\s+True/);
    expect(table.stdout).toMatch(/orders-worker-2\s+\S+\s+Paused\s+False/);
    expect(table.stdout).toMatch(
      /orders-legacy\s+\S+\s+ErrorUnschedulable\s+False/,
    );
    const yaml = await kubectl(
      'get',
      'vm',
      'payments-db-0',
      '-n',
      'payments',
      '-o',
      'yaml',
    );
    expect(yaml.stdout).toContain('printableStatus: Running');
    expect(yaml.stdout).toContain('backstage.io/kubernetes-id: payments-api');
    const selected = await kubectl(
      'get',
      'vm',
      '-A',
      '-l',
      'backstage.io/kubernetes-id in (search-indexer)',
      '-o',
      'name',
    );
    expect(selected.stdout.trim().split('\n').sort()).toEqual([
      'virtualmachine.kubevirt.io/analytics',
      'virtualmachine.kubevirt.io/etl-runner',
      'virtualmachine.kubevirt.io/search-indexer-0',
    ]);
  });

  it('applies twice, patches, labels, waits for Ready and deletes', async () => {
    const manifest = file('vm.yaml', vmYaml('Halted'));
    expect((await kubectl('apply', '-f', manifest)).stdout).toContain(
      'virtualmachine.kubevirt.io/demo created',
    );
    k.file('vm.yaml', vmYaml('Always'));
    expect((await kubectl('apply', '-f', manifest)).stdout).toContain(
      'virtualmachine.kubevirt.io/demo configured',
    );
    const wait = await kubectl(
      'wait',
      '--for=condition=Ready',
      'vmi/demo',
      '-n',
      'payments',
      '--timeout=30s',
    );
    expect(wait.code).toBe(0);
    expect(wait.stdout).toContain('condition met');
    expect(
      (
        await kubectl(
          'patch',
          'vm',
          'demo',
          '-n',
          'payments',
          '--type',
          'merge',
          '-p',
          '{"metadata":{"labels":{"tier":"db"}}}',
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await kubectl(
          'patch',
          'vm',
          'demo',
          '-n',
          'payments',
          '--type',
          'json',
          '-p',
          '[{"op":"add","path":"/metadata/labels/zone","value":"a"}]',
        )
      ).code,
    ).toBe(0);
    expect(
      (await kubectl('label', 'vm', 'demo', '-n', 'payments', 'team=payments'))
        .stdout,
    ).toContain('labeled');
    const labels = await kubectl(
      'get',
      'vm',
      'demo',
      '-n',
      'payments',
      '-o',
      'jsonpath={.metadata.labels}',
    );
    expect(JSON.parse(labels.stdout)).toMatchObject({
      tier: 'db',
      zone: 'a',
      team: 'payments',
    });
    const badPatch = await kubectl(
      'patch',
      'vm',
      'demo',
      '-n',
      'payments',
      '--type',
      'strategic',
      '-p',
      '{"metadata":{"labels":{"a":"b"}}}',
    );
    expect(badPatch.code).not.toBe(0);
    expect(badPatch.stderr).toMatch(/UnsupportedMediaType|unknown format/);
    expect(
      (await kubectl('delete', 'vm', 'demo', '-n', 'payments')).stdout,
    ).toContain('deleted');
    await sim.settled();
    const gone = await kubectl('get', 'vm', 'demo', '-n', 'payments');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('NotFound');
    expect(
      (await kubectl('get', 'vmi', 'demo', '-n', 'payments')).stderr,
    ).toContain('NotFound');
  });

  it('runs KubeVirt subresources with KubeVirt errors in the wrong state', async () => {
    const empty = file('empty.json', '{}');
    const sub = (vm: string, action: string) =>
      kubectl(
        'replace',
        '--raw',
        `/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachines/${vm}/${action}`,
        '-f',
        empty,
      );
    const running = await sub('payments-db-0', 'start');
    expect(running.code).toBe(1);
    expect(running.stderr).toContain('Conflict');
    expect(running.stderr).toContain(
      'virtualmachine.kubevirt.io "payments-db-0": VM is already running',
    );
    const crashLoop = await kubectl(
      'replace',
      '--raw',
      '/apis/subresources.kubevirt.io/v1/namespaces/data/virtualmachines/analytics/start',
      '-f',
      empty,
    );
    expect(crashLoop.stderr).toContain(
      'Always does not support manual start requests',
    );
    expect((await sub('payments-batch', 'restart')).stderr).toContain(
      'RunStategy Halted does not support manual restart requests',
    );
    expect((await sub('payments-batch', 'start')).code).toBe(0);
    await sim.settled();
    expect(
      (
        await kubectl(
          'get',
          'vm',
          'payments-batch',
          '-n',
          'payments',
          '-o',
          'jsonpath={.status.printableStatus}',
        )
      ).stdout,
    ).toBe('Running');
    const create = await kubectl(
      'create',
      '--raw',
      '/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachines/payments-batch/stop',
      '-f',
      empty,
    );
    expect(create.stderr).toContain('MethodNotAllowed');
    expect((await sub('payments-batch', 'stop')).code).toBe(0);
    await sim.settled();
    expect(
      (
        await kubectl(
          'get',
          'vm',
          'payments-batch',
          '-n',
          'payments',
          '-o',
          'jsonpath={.status.printableStatus}',
        )
      ).stdout,
    ).toBe('Stopped');
    expect((await sub('no-such-vm', 'start')).stderr).toContain(
      'virtualmachine.kubevirt.io "no-such-vm" not found',
    );
  });

  it('streams changes with get -w', async () => {
    const child = spawn(
      'kubectl',
      ['get', 'vm', '-n', 'platform', '-w', '--output-watch-events'],
      { env: k.env },
    );
    let out = '';
    const seen = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${pattern} in ${out}`)),
          20_000,
        );
        const check = () => {
          if (pattern.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', d => {
          out += d;
          check();
        });
        check();
      });
    try {
      await seen(/ADDED\s+bastion/);
      await kubectl('label', 'vm', 'bastion', '-n', 'platform', 'watched=yes');
      await seen(/MODIFIED\s+bastion/);
    } finally {
      child.kill();
    }
  });

  it('answers 403 and 401 as a real apiserver does', async () => {
    const read = await kubectl(
      '--kubeconfig',
      path.join(k.dir, 'viewer'),
      'get',
      'vm',
      '-n',
      'payments',
      '-o',
      'name',
    );
    expect(read.stdout).toContain('payments-db-0');
    const denied = await kubectl(
      '--kubeconfig',
      path.join(k.dir, 'viewer'),
      'delete',
      'vm',
      'payments-db-0',
      '-n',
      'payments',
    );
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(
      'virtualmachines.kubevirt.io "payments-db-0" is forbidden: User "vm-viewer" cannot delete resource "virtualmachines" in API group "kubevirt.io" in the namespace "payments"',
    );
    const anonymous = await kubectl('--token', 'wrong', 'get', 'vm', '-A');
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/Unauthorized|provide credentials/);
  });

  it('rejects invalid names with field causes', async () => {
    const bad = file(
      'bad.yaml',
      vmYaml('Halted').replace('name: demo', 'name: Bad_Name'),
    );
    const result = await kubectl('apply', '-f', bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('metadata.name: Invalid value: "Bad_Name"');
  });
});
