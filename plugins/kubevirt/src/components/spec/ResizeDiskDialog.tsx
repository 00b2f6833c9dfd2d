import { useApi } from '@backstage/core-plugin-api';
import { VmDetail, VmVolume } from '@kubevirt-backstage/plugin-kubevirt-common';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import { kubevirtApiRef } from '../../api';
import { Wait } from '../actions/operations';
import { WaitingDialog } from '../actions/WaitingDialog';
import { mebibytes, quantityProblem } from './applied';

/** Only claims can grow: DataVolume and PVC disks. */
export const resizable = (v: VmVolume) =>
  v.sourceType === 'dataVolume' || v.sourceType === 'persistentVolumeClaim';

export const ResizeDiskDialog = ({
  detail,
  volume,
  onClose,
  onSettled,
}: {
  detail: VmDetail;
  volume: VmVolume;
  onClose(): void;
  onSettled(): void;
}) => {
  const api = useApi(kubevirtApiRef);
  const vm = detail.summary;
  const [size, setSize] = useState(volume.size ?? '');
  const current = mebibytes(volume.size);
  const problem =
    quantityProblem(size) ??
    (current !== undefined && (mebibytes(size) ?? 0) <= current
      ? `Must be larger than ${volume.size}`
      : undefined);
  const submit = async (): Promise<Wait> => {
    const answer = await api.resizeDisk(vm, volume.name, { size });
    return {
      ref: vm,
      target: `claim ${answer.claim} of disk ${volume.name} requests ${
        answer.to
      }${
        answer.from ? ` (was ${answer.from})` : ''
      }; the guest sees the new size once the storage has grown it`,
      reached: d => !!d,
      progress: () => 'resizing',
    };
  };
  return (
    <WaitingDialog
      title={`Resize disk ${volume.name} of ${vm.name}`}
      description={`Grow the claim behind ${volume.name}${
        volume.size ? ` (now ${volume.size})` : ''
      }. Disks only grow; the storage class must allow volume expansion.`}
      actionLabel="Resize"
      canSubmit={!problem}
      submit={submit}
      onClose={onClose}
      onSettled={onSettled}
    >
      <TextField
        id="kubevirt-disk-new-size"
        label="New size"
        value={size}
        onChange={e => setSize(e.target.value.trim())}
        error={!!problem}
        helperText={problem ?? ' '}
        fullWidth
        margin="dense"
      />
    </WaitingDialog>
  );
};
