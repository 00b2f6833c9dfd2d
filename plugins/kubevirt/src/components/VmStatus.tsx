import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';

export type StatusClass =
  | 'ok'
  | 'error'
  | 'progress'
  | 'paused'
  | 'stopped'
  | 'unknown';

/** Every printableStatus KubeVirt reports, with what it means to the user. */
const printableStatuses: Record<string, { cls: StatusClass; hint: string }> = {
  Running: { cls: 'ok', hint: 'The VM runs.' },
  Stopped: { cls: 'stopped', hint: 'The VM is stopped: it has no instance.' },
  Paused: {
    cls: 'paused',
    hint: 'The VM is paused: its vCPUs are frozen, memory kept.',
  },
  Starting: { cls: 'progress', hint: 'The VM is being prepared to run.' },
  Stopping: { cls: 'progress', hint: 'The VM is shutting down.' },
  Terminating: { cls: 'progress', hint: 'The VM is being deleted.' },
  Migrating: { cls: 'progress', hint: 'The VM is moving to another node.' },
  Provisioning: {
    cls: 'progress',
    hint: 'The VM waits for its disks (DataVolume import or clone).',
  },
  WaitingForVolumeBinding: {
    cls: 'progress',
    hint: 'A disk claim waits to be bound.',
  },
  WaitingForReceiver: {
    cls: 'progress',
    hint: 'The VM waits for a receiving migration.',
  },
  ErrorUnschedulable: {
    cls: 'error',
    hint: 'No node can run the VM (resources, affinity or taints).',
  },
  ErrImagePull: {
    cls: 'error',
    hint: 'A container disk image cannot be pulled.',
  },
  ImagePullBackOff: {
    cls: 'error',
    hint: 'Pulling a container disk image keeps failing.',
  },
  CrashLoopBackOff: {
    cls: 'error',
    hint: 'The VM keeps crashing and is restarted with back-off.',
  },
  ErrorPvcNotFound: {
    cls: 'error',
    hint: 'A disk claim the VM uses does not exist.',
  },
  ErrorDataVolumeNotFound: {
    cls: 'error',
    hint: 'A DataVolume the VM uses does not exist.',
  },
  DataVolumeError: { cls: 'error', hint: 'A DataVolume of the VM failed.' },
  Unknown: {
    cls: 'error',
    hint: 'The VM state cannot be determined: the cluster reports nothing usable.',
  },
};

/** The statuses the list filter offers, in the order users think of them. */
export const statusFilterValues = Object.keys(printableStatuses);

/** KubeVirt's printableStatus with the colour and icon of its class; errors stand out. */
export function statusClass(status: string): StatusClass {
  const known = printableStatuses[status];
  if (known) return known.cls;
  // new KubeVirt versions add Error* states; anything unknown of that shape is an error
  return /^Err|Error|BackOff$/.test(status) ? 'error' : 'unknown';
}

const Icon = ({ status }: { status: string }) => {
  switch (statusClass(status)) {
    case 'ok':
      return <StatusOK>{status}</StatusOK>;
    case 'error':
      return (
        <StatusError>
          <strong>{status}</strong>
        </StatusError>
      );
    case 'progress':
      return <StatusRunning>{status}</StatusRunning>;
    case 'paused':
      return <StatusWarning>{status}</StatusWarning>;
    case 'stopped':
      return <StatusAborted>{status}</StatusAborted>;
    default:
      return <StatusPending>{status}</StatusPending>;
  }
};

export const VmStatus = ({ status }: { status: string }) => (
  <Tooltip title={printableStatuses[status]?.hint ?? status}>
    <span
      data-testid="vm-status"
      data-status-class={statusClass(status)}
      style={{ whiteSpace: 'nowrap' }}
    >
      <Icon status={status} />
    </span>
  </Tooltip>
);
