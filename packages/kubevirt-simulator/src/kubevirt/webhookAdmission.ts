import { StatusError } from '../api/errors';
import { ResourceType } from '../store/resources';
import { KubeObject, Store } from '../store/store';
import { gateEnabled } from './clusterFeatures';

type Cause = { type: string; message: string; field: string };

const INVALID = 'FieldValueInvalid';
const NOT_SUPPORTED = 'FieldValueNotSupported';

/** vms-admitter.go validRunStrategies (WaitAsReceiver only behind its gate). */
const RUN_STRATEGIES = ['Halted', 'Manual', 'Always', 'RerunOnFailure', 'Once'];
/** vmi-create-admitter.go validateBusSupport's supportedBuses, printed as Go prints the slice. */
const DISK_BUSES = ['virtio', 'scsi', 'sata', 'usb'];
/** pkg/network/admitter/netiface.go validInterfaceModels */
const INTERFACE_MODELS = [
  'e1000',
  'e1000e',
  'igb',
  'ne2k_pci',
  'pcnet',
  'rtl8139',
  'virtio',
];
/** pkg/network/admitter/admit.go validateInterfaceStateValue */
const INTERFACE_STATES = ['absent', 'down', 'up'];
/** vmi-create-admitter.go isValidEvictionStrategy */
const EVICTION_STRATEGIES = [
  'None',
  'LiveMigrate',
  'LiveMigrateIfPossible',
  'External',
];

/** vms-admitter.go validateRunStrategy */
function runStrategyCauses(store: Store, spec: any): Cause[] {
  const causes: Cause[] = [];
  if (spec.running !== undefined && spec.runStrategy !== undefined)
    causes.push({
      type: INVALID,
      message:
        'Running and RunStrategy are mutually exclusive. Note that Running is deprecated, please use RunStrategy instead',
      field: 'spec.running',
    });
  if (spec.running === undefined && spec.runStrategy === undefined)
    causes.push({
      type: INVALID,
      message: 'RunStrategy must be specified',
      field: 'spec.running',
    });
  const strategy = spec.runStrategy;
  if (strategy === undefined) return causes;
  if (strategy === 'WaitAsReceiver') {
    if (!gateEnabled(store, 'DecentralizedLiveMigration'))
      causes.push({
        type: INVALID,
        message: `Invalid RunStrategy (${strategy}), DecentralizedLiveMigration feature gate is not enabled in kubevirt resource`,
        field: 'spec.runStrategy',
      });
  } else if (!RUN_STRATEGIES.includes(strategy))
    causes.push({
      type: INVALID,
      message: `Invalid RunStrategy (${strategy})`,
      field: 'spec.runStrategy',
    });
  return causes;
}

/**
 * The enum-like fields ValidateVirtualMachineInstanceSpec checks
 * (vmi-create-admitter.go validateBusSupport, validateLiveMigration,
 * startStrategy; pkg/network/admitter validateInterfaceModel,
 * validateInterfaceStateValue), under `field` (the VMI's spec, or the VM's
 * spec.template.spec).
 */
function vmiSpecCauses(field: string, spec: any): Cause[] {
  const causes: Cause[] = [];
  const disks: any[] = spec?.domain?.devices?.disks ?? [];
  disks.forEach((disk, idx) => {
    const type = ['disk', 'lun', 'cdrom'].find(t => disk?.[t]);
    const bus = type ? disk[type]?.bus : undefined;
    if (!type || !bus) return;
    const at = `${field}.domain.devices.disks[${idx}]`;
    if (bus === 'ide')
      causes.push({
        type: INVALID,
        message: 'IDE bus is not supported',
        field: `${at}.${type}.bus`,
      });
    else if (bus === 'virtio' && type === 'cdrom')
      causes.push({
        type: INVALID,
        message: `Bus type ${bus} is invalid for CD-ROM device`,
        field: `${at}.cdrom.bus`,
      });
    else if (bus === 'sata' && type === 'disk' && disk.disk.readOnly)
      causes.push({
        type: INVALID,
        message: `${bus} hard-disks do not support read-only.`,
        field: `${at}.disk.bus`,
      });
    else if (!DISK_BUSES.includes(bus))
      causes.push({
        type: INVALID,
        message: `${at} is set with an unrecognized bus ${bus}, must be one of: [${DISK_BUSES.join(
          ' ',
        )}]`,
        field: `${at}.${type}.bus`,
      });
  });
  const interfaces: any[] = spec?.domain?.devices?.interfaces ?? [];
  interfaces.forEach((iface, idx) => {
    const at = `${field}.domain.devices.interfaces[${idx}]`;
    if (iface?.model && !INTERFACE_MODELS.includes(iface.model))
      causes.push({
        type: NOT_SUPPORTED,
        message: `interface ${at}.name uses model ${iface.model} that is not supported.`,
        field: `${at}.model`,
      });
    if (iface?.state && !INTERFACE_STATES.includes(iface.state))
      causes.push({
        type: INVALID,
        message: `logical ${iface.name} interface state value is unsupported: ${iface.state}`,
        field: `${at}.state`,
      });
  });
  if (
    spec?.evictionStrategy !== undefined &&
    !EVICTION_STRATEGIES.includes(spec.evictionStrategy)
  )
    causes.push({
      type: INVALID,
      message: `${field}.evictionStrategy is set with an unrecognized option: ${spec.evictionStrategy}`,
      field: `${field}.evictionStrategy`,
    });
  if (spec?.startStrategy !== undefined && spec.startStrategy !== 'Paused')
    causes.push({
      type: INVALID,
      message: `${field}.startStrategy is set with an unrecognized option: ${spec.startStrategy}`,
      field: `${field}.startStrategy`,
    });
  return causes;
}

/**
 * What the apiserver answers when a validating webhook denies a request
 * (admission/plugin/webhook/errors ToStatusErr around virt-api's
 * webhookutils.ToAdmissionResponse): 422 Invalid, the causes' messages
 * joined, and only the causes as details (kubectl prints "The request is
 * invalid").
 */
function denied(webhook: string, causes: Cause[]): StatusError {
  return new StatusError(
    422,
    'Invalid',
    `admission webhook "${webhook}" denied the request: ${causes
      .map(c => c.message)
      .join(', ')}`,
    { causes },
  );
}

/**
 * KubeVirt's validating webhooks for the checks the simulator makes: the VM
 * validator on create and update (vms-admitter.go ValidateVirtualMachineSpec:
 * the template's spec, then the run strategy), the VMI create validator.
 */
export function admitKubevirt(
  store: Store,
  type: ResourceType,
  obj: KubeObject,
  operation: 'create' | 'update',
) {
  if (obj.metadata?.deletionTimestamp) return;
  if (type.kind === 'VirtualMachine' && obj.spec?.template) {
    const causes = [
      ...vmiSpecCauses('spec.template.spec', obj.spec.template.spec),
      ...runStrategyCauses(store, obj.spec),
    ];
    if (causes.length)
      throw denied('virtualmachine-validator.kubevirt.io', causes);
  }
  if (type.kind === 'VirtualMachineInstance' && operation === 'create') {
    const causes = vmiSpecCauses('spec', obj.spec);
    if (causes.length)
      throw denied(
        'virtualmachineinstances-create-validator.kubevirt.io',
        causes,
      );
  }
}
