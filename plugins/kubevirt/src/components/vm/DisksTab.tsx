import {
  StatusOK,
  StatusPending,
  StatusRunning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { VmDetail, VmVolume } from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import { useState } from 'react';
import { kubevirtApiRef } from '../../api';
import { deniedReason, nameProblem, Wait } from '../actions/operations';
import { WaitingDialog } from '../actions/WaitingDialog';
import { resizable, ResizeDiskDialog } from '../spec/ResizeDiskDialog';

const sourceLabels: Record<string, string> = {
  dataVolume: 'DataVolume',
  persistentVolumeClaim: 'PVC',
  containerDisk: 'Container disk',
  cloudInitNoCloud: 'cloud-init (NoCloud)',
  cloudInitConfigDrive: 'cloud-init (ConfigDrive)',
  ephemeral: 'Ephemeral',
  emptyDisk: 'Empty disk',
  other: 'Other',
};

const sizeProblem = (size: string) =>
  /^\d+(\.\d+)?(Mi|Gi|Ti)$/.test(size) ? undefined : 'A size such as 10Gi';

const AddDiskDialog = ({
  detail,
  onClose,
  onSettled,
}: {
  detail: VmDetail;
  onClose(): void;
  onSettled(): void;
}) => {
  const api = useApi(kubevirtApiRef);
  const vm = detail.summary;
  const [name, setName] = useState('');
  const [source, setSource] = useState<'new' | 'pvc'>('new');
  const [size, setSize] = useState('10Gi');
  const [pvc, setPvc] = useState('');
  const [bus, setBus] = useState<'scsi' | 'virtio' | 'sata'>('scsi');
  const problem =
    nameProblem(name) ??
    (source === 'new' ? sizeProblem(size) : nameProblem(pvc));
  const submit = async (): Promise<Wait> => {
    await api.addVolume(vm, {
      name,
      bus,
      ...(source === 'new' ? { size } : { pvc }),
    });
    return {
      ref: vm,
      target: `disk ${name} is attached`,
      reached: d => {
        const v = d?.volumes.find(x => x.name === name);
        if (v?.dataVolume?.phase === 'Failed')
          return `The DataVolume of disk ${name} failed`;
        return !!v && (!v.dataVolume || v.dataVolume.ready);
      },
      progress: d => {
        const v = d?.volumes.find(x => x.name === name);
        if (!v) return 'not attached yet';
        return v.dataVolume
          ? `DataVolume ${v.dataVolume.phase ?? 'pending'} ${
              v.dataVolume.progress ?? ''
            }`.trim()
          : 'attaching';
      },
    };
  };
  return (
    <WaitingDialog
      title={`Add a disk to ${vm.name}`}
      description={`Hot-plug a disk into ${vm.name}${
        vm.status === 'Running' ? ' while it runs' : ''
      }: a new empty disk (a DataVolume of the size you choose) or an existing claim in ${
        vm.namespace
      }.`}
      actionLabel="Add disk"
      canSubmit={!problem}
      submit={submit}
      onClose={onClose}
      onSettled={onSettled}
    >
      <TextField
        id="kubevirt-disk-name"
        label="Disk name"
        value={name}
        onChange={e => setName(e.target.value)}
        helperText={nameProblem(name) && name ? nameProblem(name) : ' '}
        error={!!name && !!nameProblem(name)}
        fullWidth
        margin="dense"
      />
      <TextField
        id="kubevirt-disk-source"
        select
        label="Source"
        value={source}
        onChange={e => setSource(e.target.value as 'new' | 'pvc')}
        fullWidth
        margin="dense"
      >
        <MenuItem value="new">New empty disk</MenuItem>
        <MenuItem value="pvc">Existing PersistentVolumeClaim</MenuItem>
      </TextField>
      {source === 'new' ? (
        <TextField
          id="kubevirt-disk-size"
          label="Size"
          value={size}
          onChange={e => setSize(e.target.value.trim())}
          error={!!sizeProblem(size)}
          helperText={sizeProblem(size) ?? ' '}
          fullWidth
          margin="dense"
        />
      ) : (
        <TextField
          id="kubevirt-disk-pvc"
          label="Claim name"
          value={pvc}
          onChange={e => setPvc(e.target.value.trim())}
          fullWidth
          margin="dense"
        />
      )}
      <TextField
        id="kubevirt-disk-bus"
        select
        label="Bus"
        value={bus}
        onChange={e => setBus(e.target.value as 'scsi')}
        helperText="Hot-plugged disks use SCSI on most guests"
        fullWidth
        margin="dense"
      >
        <MenuItem value="scsi">scsi</MenuItem>
        <MenuItem value="virtio">virtio</MenuItem>
        <MenuItem value="sata">sata</MenuItem>
      </TextField>
    </WaitingDialog>
  );
};

const RemoveDiskDialog = ({
  detail,
  volume,
  onClose,
  onSettled,
}: {
  detail: VmDetail;
  volume: string;
  onClose(): void;
  onSettled(): void;
}) => {
  const api = useApi(kubevirtApiRef);
  const vm = detail.summary;
  return (
    <WaitingDialog
      title={`Remove disk ${volume} from ${vm.name}`}
      description={`Unplug disk ${volume}. The guest loses the device at once; unmount it in the guest first. The claim itself is kept.`}
      actionLabel="Remove disk"
      confirmName={volume}
      submit={async () => {
        await api.removeVolume(vm, volume);
        return {
          ref: vm,
          target: `disk ${volume} is removed`,
          reached: d => !!d && !d.volumes.some(v => v.name === volume),
          progress: () => 'detaching',
        };
      }}
      onClose={onClose}
      onSettled={onSettled}
    />
  );
};

export const DisksTab = ({
  detail,
  onChange,
}: {
  detail: VmDetail;
  onChange(): void;
}) => {
  const vm = detail.summary;
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<string>();
  const [resizing, setResizing] = useState<VmVolume>();
  const resizeDenied = deniedReason(vm, 'resizeDisk');
  const addDenied = deniedReason(vm, 'addVolume');
  const removeDenied = deniedReason(vm, 'removeVolume');
  const columns: TableColumn<VmVolume>[] = [
    { title: 'Name', field: 'name', highlight: true },
    {
      title: 'Source',
      render: v =>
        `${sourceLabels[v.sourceType] ?? v.sourceType}${
          v.source ? `: ${v.source}` : ''
        }`,
    },
    {
      title: 'Device',
      render: v =>
        v.device
          ? `${v.device.type}${v.device.bus ? ` (${v.device.bus})` : ''}`
          : '—',
    },
    { title: 'Size', field: 'size', emptyValue: '—' },
    { title: 'Hot-plugged', render: v => (v.hotplugged ? 'Yes' : 'No') },
    {
      title: 'State',
      render: v => {
        if (!v.dataVolume) return <StatusOK>Attached</StatusOK>;
        if (v.dataVolume.ready) return <StatusOK>Ready</StatusOK>;
        if (v.dataVolume.phase === 'Failed')
          return <StatusPending>Failed</StatusPending>;
        return (
          <StatusRunning>
            {`${v.dataVolume.phase ?? 'Pending'} ${
              v.dataVolume.progress ?? ''
            }`.trim()}
          </StatusRunning>
        );
      },
    },
    {
      title: 'Actions',
      render: v => (
        <Box display="flex" alignItems="center">
          {resizable(v) && (
            <Tooltip title={resizeDenied ?? `Grow the claim behind ${v.name}`}>
              <span>
                <Button
                  size="small"
                  disabled={!!resizeDenied}
                  onClick={() => setResizing(v)}
                  aria-label={`Resize disk ${v.name}`}
                >
                  Resize
                </Button>
              </span>
            </Tooltip>
          )}
          {v.hotplugged ? (
            <Tooltip title={removeDenied ?? `Unplug ${v.name}`}>
              <span>
                <Button
                  size="small"
                  disabled={!!removeDenied}
                  onClick={() => setRemoving(v.name)}
                  aria-label={`Remove disk ${v.name}`}
                >
                  Remove
                </Button>
              </span>
            </Tooltip>
          ) : (
            <Tooltip title="Only hot-plugged disks can be removed from a running VM; edit the YAML for the others">
              <span style={{ color: 'gray' }}>—</span>
            </Tooltip>
          )}
        </Box>
      ),
    },
  ];
  return (
    <>
      <Box mb={2} display="flex" justifyContent="flex-end">
        <Tooltip title={addDenied ?? 'Hot-plug a new or existing disk'}>
          <span>
            <Button
              variant="contained"
              color="primary"
              disabled={!!addDenied}
              onClick={() => setAdding(true)}
            >
              Add disk
            </Button>
          </span>
        </Tooltip>
      </Box>
      <Table<VmVolume>
        title="Disks"
        options={{ paging: false, search: false, padding: 'dense' }}
        data={detail.volumes}
        columns={columns}
        emptyContent={<div style={{ padding: 16 }}>The VM has no disks.</div>}
      />
      {adding && (
        <AddDiskDialog
          detail={detail}
          onClose={() => setAdding(false)}
          onSettled={onChange}
        />
      )}
      {resizing && (
        <ResizeDiskDialog
          detail={detail}
          volume={resizing}
          onClose={() => setResizing(undefined)}
          onSettled={onChange}
        />
      )}
      {removing && (
        <RemoveDiskDialog
          detail={detail}
          volume={removing}
          onClose={() => setRemoving(undefined)}
          onSettled={onChange}
        />
      )}
    </>
  );
};
