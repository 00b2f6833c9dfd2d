import { resourceTypeOfKind } from '../store/resources';
import { KubeObject, Store } from '../store/store';
import { onGuestReboot } from './guestReboots';
import { runSubresource } from './subresources';

const vmiType = resourceTypeOfKind('VirtualMachineInstance');

function storeWithVmi(
  conditions: { type: string; status: string }[],
  acpi?: boolean,
  phase = 'Running',
) {
  const store = new Store();
  const vmi: KubeObject = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name: 'db-0', namespace: 'payments' },
    spec: {
      domain: {
        devices: {},
        ...(acpi === undefined
          ? {}
          : { features: { acpi: { enabled: acpi } } }),
      },
    },
    status: { phase, conditions },
  };
  const uid = store.create(vmiType, vmi).metadata.uid!;
  const rebooted: string[] = [];
  onGuestReboot(store, id => rebooted.push(id));
  const softReboot = (body: unknown = {}) =>
    runSubresource(
      store,
      'virtualmachineinstances',
      'payments',
      'db-0',
      'softreboot',
      body,
    );
  return { uid, rebooted, softReboot };
}

const agent = { type: 'AgentConnected', status: 'True' };
const conflict = (why: string) => ({
  code: 409,
  message: `Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "db-0": ${why}`,
});
function caught(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

// the checks of virt-api's SoftRebootVMIRequestHandler (pkg/virt-api/rest/subresource.go), in its order
describe('the softreboot subresource', () => {
  it('reboots the guest of a running VMI (200), through its agent or ACPI; a dry run reboots nothing', () => {
    const withAgent = storeWithVmi([agent], false);
    expect(withAgent.softReboot({ dryRun: ['All'] })).toBe(200);
    expect(withAgent.rebooted).toEqual([]);
    expect(withAgent.softReboot()).toBe(200);
    expect(withAgent.rebooted).toEqual([withAgent.uid]);
    // no agent: ACPI unless it is explicitly off (nil counts as on)
    const acpiDefault = storeWithVmi([]);
    expect(acpiDefault.softReboot()).toBe(200);
    expect(acpiDefault.rebooted).toEqual([acpiDefault.uid]);
  });

  it('is 409 when the VMI is not running, is paused, or has neither agent nor ACPI', () => {
    expect(
      caught(() => storeWithVmi([agent], true, 'Scheduled').softReboot()),
    ).toMatchObject(conflict('VM is not running'));
    expect(
      caught(() =>
        storeWithVmi([agent, { type: 'Paused', status: 'True' }]).softReboot(),
      ),
    ).toMatchObject(conflict('VMI is paused'));
    const noWay = storeWithVmi([], false);
    expect(caught(() => noWay.softReboot())).toMatchObject(
      conflict(
        'VMI neither have the agent connected nor the ACPI feature enabled',
      ),
    );
    expect(noWay.rebooted).toEqual([]);
  });

  it('is 404 without a VMI, as for a stopped VM (FetchVirtualMachineInstance)', () => {
    expect(
      caught(() =>
        runSubresource(
          new Store(),
          'virtualmachineinstances',
          'payments',
          'db-0',
          'softreboot',
          {},
        ),
      ),
    ).toMatchObject({
      code: 404,
      message: 'virtualmachineinstance.kubevirt.io "db-0" not found',
    });
  });
});
