import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';

const errors = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrorUnschedulable', 'CrashLoopBackOff', 'ErrorPvcNotFound', 'DataVolumeError', 'Unknown']);
const transitions = new Set(['Starting', 'Stopping', 'Provisioning', 'Migrating', 'WaitingForVolumeBinding', 'Terminating', 'WaitingForReceiver']);

/** KubeVirt's printableStatus with the colour and icon of its class; errors stand out. */
export function statusClass(status: string): 'ok' | 'error' | 'progress' | 'paused' | 'stopped' {
  if (status === 'Running') return 'ok';
  if (errors.has(status)) return 'error';
  if (transitions.has(status)) return 'progress';
  if (status === 'Paused') return 'paused';
  return 'stopped';
}

export const VmStatus = ({ status }: { status: string }) => {
  switch (statusClass(status)) {
    case 'ok':
      return <StatusOK>{status}</StatusOK>;
    case 'error':
      return <StatusError>{status}</StatusError>;
    case 'progress':
      return <StatusRunning>{status}</StatusRunning>;
    case 'paused':
      return <StatusWarning>{status}</StatusWarning>;
    default:
      return status === 'Stopped' ? <StatusAborted>{status}</StatusAborted> : <StatusPending>{status}</StatusPending>;
  }
};
