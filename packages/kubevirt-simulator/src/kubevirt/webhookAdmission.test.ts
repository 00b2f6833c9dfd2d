import { kubectlFor } from '../__testUtils__/kubectl';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(60_000);

/**
 * KubeVirt's validating webhooks for enum-like fields its CRD schemas leave
 * open, and the apiserver's name messages, as the real kubectl shows them.
 */
describe('admission: KubeVirt webhook enums and apiserver name messages', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const vm = (spec: string, name = 'enum-check') => `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: ${name}, namespace: payments}
spec:
${spec}
`;
  const template = (domain: string) => `  template:
    spec:
      domain:
${domain}`;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    k = kubectlFor(sim);
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  // vms-admitter.go validateRunStrategy
  it('refuses an unknown run strategy with the VM webhook’s message', async () => {
    const result = await k.apply(
      'often.yaml',
      vm(`  runStrategy: Often\n${template('        devices: {}\n')}`),
    );
    expect(result.code).toBe(1);
    // ToStatusErr keeps only the causes as details: kubectl words it "The request is invalid"
    expect(result.stderr).toContain(
      'The request is invalid: spec.runStrategy: Invalid RunStrategy (Often)',
    );
    const gated = await k.apply(
      'receiver.yaml',
      vm(`  runStrategy: WaitAsReceiver\n${template('        devices: {}\n')}`),
    );
    expect(gated.stderr).toContain(
      'spec.runStrategy: Invalid RunStrategy (WaitAsReceiver), DecentralizedLiveMigration feature gate is not enabled in kubevirt resource',
    );
  });

  // vmi-create-admitter.go validateBusSupport; pkg/network/admitter/netiface.go validateInterfaceModel,
  // admit.go validateInterfaceStateValue; the VM webhook checks its template's spec with them
  it('refuses unknown disk buses, interface models and states, all causes at once', async () => {
    const result = await k.apply(
      'enums.yaml',
      vm(
        `  runStrategy: Halted\n${template(`        devices:
          disks:
          - {name: root, disk: {bus: floppy}}
          - {name: iso, cdrom: {bus: virtio}}
          interfaces:
          - {name: default, masquerade: {}, model: tulip, state: sideways}
`)}`,
      ),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'spec.template.spec.domain.devices.disks[0].disk.bus: spec.template.spec.domain.devices.disks[0] is set with an unrecognized bus floppy, must be one of: [virtio scsi sata usb]',
    );
    expect(result.stderr).toContain(
      'spec.template.spec.domain.devices.disks[1].cdrom.bus: Bus type virtio is invalid for CD-ROM device',
    );
    expect(result.stderr).toContain(
      'spec.template.spec.domain.devices.interfaces[0].model: interface spec.template.spec.domain.devices.interfaces[0].name uses model tulip that is not supported.',
    );
    expect(result.stderr).toContain(
      'spec.template.spec.domain.devices.interfaces[0].state: logical default interface state value is unsupported: sideways',
    );
    // the accepted values pass
    const good = await k.apply(
      'good.yaml',
      vm(
        `  runStrategy: Halted\n${template(`        devices:
          disks:
          - {name: root, disk: {bus: sata}}
          - {name: iso, cdrom: {bus: scsi}}
          interfaces:
          - {name: default, masquerade: {}, model: e1000e, state: up}
`)}`,
        'enum-ok',
      ),
    );
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    // an update is checked too (the VM validator is registered for CREATE and UPDATE)
    const patched = await kubectl(
      'patch',
      'vm',
      'enum-ok',
      '-n',
      'payments',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/runStrategy","value":"Sometimes"}]',
    );
    expect(patched.stderr).toContain('Invalid RunStrategy (Sometimes)');
  });

  // the VMI create validator (webhooks.go virtualmachineinstances-create-validator.kubevirt.io)
  it('checks a VMI created directly, under spec', async () => {
    const result = await k.apply(
      'vmi.yaml',
      `apiVersion: kubevirt.io/v1
kind: VirtualMachineInstance
metadata: {name: bad-vmi, namespace: payments}
spec:
  evictionStrategy: Sometimes
  domain:
    devices:
      disks: [{name: root, disk: {bus: ide}}]
`,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'spec.domain.devices.disks[0].disk.bus: IDE bus is not supported',
    );
    expect(result.stderr).toContain(
      'spec.evictionStrategy: spec.evictionStrategy is set with an unrecognized option: Sometimes',
    );
  });

  // apimachinery validation.go RegexError / MaxLenError through ValidateObjectMeta
  it('gives the apiserver’s full name messages, the length rule as the length rule', async () => {
    const bad = await kubectl('create', 'configmap', 'Bad_Name');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    const long = 'n'.repeat(64);
    const namespace = await kubectl('create', 'namespace', long);
    expect(namespace.stderr).toContain(
      `Namespace "${long}" is invalid: metadata.name: Invalid value: "${long}": must be no more than 63 characters`,
    );
    const vmName = await k.apply(
      'vm-name.yaml',
      vm(
        `  runStrategy: Halted\n${template('        devices: {}\n')}`,
        'Web_1',
      ),
    );
    expect(vmName.stderr).toContain(
      `The VirtualMachine "Web_1" is invalid: metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of`,
    );
  });
});
