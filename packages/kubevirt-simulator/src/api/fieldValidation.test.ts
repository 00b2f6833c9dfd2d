import { kubectlFor } from '../__testUtils__/kubectl';
import { pruneUnknownFields } from './fieldValidation';
import { Simulator, startSimulator } from '../index';
import { schemaOfKind } from './schemas';

jest.setTimeout(60_000);

describe('pruneUnknownFields', () => {
  it('drops unknown fields with their apiserver paths and keeps open objects whole', () => {
    const vm = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: 'a', labels: { x: 'y' }, bogus: 1 },
      spec: {
        runStrategy: 'Halted',
        template: {
          spec: {
            domain: { anything: { goes: true } },
            volumes: [
              { name: 'v', containerDisk: { image: 'i' } },
              { name: 'w', typo: 1 },
            ],
          },
        },
      },
      status: { whatever: true },
    };
    expect(pruneUnknownFields(schemaOfKind('VirtualMachine'), vm)).toEqual([
      'metadata.bogus',
    ]);
    // volumes are documented but open, as KubeVirt's volume sources are many
    expect(vm.spec.template.spec.volumes[1]).toEqual({ name: 'w', typo: 1 });
    const dv = {
      spec: { source: { http: { url: 'u' } }, sourceRefx: {} },
      metadata: { name: 'd' },
    };
    expect(pruneUnknownFields(schemaOfKind('DataVolume'), dv)).toEqual([
      'spec.sourceRefx',
    ]);
    expect(dv.spec).toEqual({ source: { http: { url: 'u' } } });
  });
});

/** kubectl explain and server-side field validation, as an operator meets them. */
describe('kubectl explain and field validation', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  const kubectl = (...args: string[]) => k.kubectl(...args);

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    k = kubectlFor(sim);
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  it('explains nested fields of VMs and DataVolumes', async () => {
    const strategy = await kubectl('explain', 'vm.spec.runStrategy');
    expect(strategy.code).toBe(0);
    expect(strategy.stdout).toMatch(/KIND:\s+VirtualMachine/);
    expect(strategy.stdout).toMatch(/FIELD: runStrategy <string>/);
    expect(strategy.stdout).toContain('Halted');
    const cpu = await kubectl(
      'explain',
      'virtualmachine.spec.template.spec.domain.cpu',
    );
    expect(cpu.stdout).toMatch(/cores\s+<integer>/);
    const dv = await kubectl('explain', 'dv.spec.sourceRef');
    expect(dv.code).toBe(0);
    expect(dv.stdout).toMatch(/GROUP:\s+cdi\.kubevirt\.io/);
    const missing = await kubectl('explain', 'vm.spec.nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('field "nope" does not exist');
  });

  it('rejects unknown fields under strict validation, and prunes them with a warning otherwise', async () => {
    const manifest = k.file(
      'typo.yaml',
      `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: typo, namespace: payments}
spec:
  runStrategy: Halted
  runStratgy: Always
  template: {spec: {domain: {devices: {}}, volumez: []}}
`,
    );
    const strict = await kubectl('apply', '-f', manifest);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(
      'strict decoding error: unknown field "spec.runStratgy", unknown field "spec.template.spec.volumez"',
    );
    expect(
      (await kubectl('get', 'vm', 'typo', '-n', 'payments')).code,
    ).not.toBe(0);

    const warn = await kubectl('apply', '-f', manifest, '--validate=warn');
    expect(warn.code).toBe(0);
    expect(warn.stderr).toContain('Warning: unknown field "spec.runStratgy"');
    const stored = JSON.parse(
      (await kubectl('get', 'vm', 'typo', '-n', 'payments', '-o', 'json'))
        .stdout,
    );
    expect(stored.spec.runStratgy).toBeUndefined();
    expect(stored.spec.runStrategy).toBe('Halted');
  });
});
