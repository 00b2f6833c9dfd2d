import { useApi } from '@backstage/core-plugin-api';
import {
  AddInterfaceRequest,
  multusNetworkProblem,
  VmDetail,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import { kubevirtApiRef } from '../../api';
import { nameProblem, Wait } from '../actions/operations';
import { WaitingDialog } from '../actions/WaitingDialog';
import { nicsOf } from '../vm/nics';
import { appliedText } from './applied';

type Binding = AddInterfaceRequest['binding'];
type Model = NonNullable<AddInterfaceRequest['model']>;

// a NAD name, optionally namespaced: <namespace>/<nad>, by the one check in kubevirt-common
const multusProblem = (n: string) =>
  multusNetworkProblem(n) === undefined
    ? undefined
    : 'A NetworkAttachmentDefinition: <name> or <namespace>/<name>';

export const AddInterfaceDialog = ({
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
  const [network, setNetwork] = useState<'pod' | 'multus'>('multus');
  const [multus, setMultus] = useState('');
  const [binding, setBinding] = useState<Binding>('bridge');
  const [model, setModel] = useState<Model>('virtio');
  const taken = nicsOf(detail).some(n => n.name === name)
    ? `${vm.name} already has an interface ${name}`
    : undefined;
  const problem =
    nameProblem(name) ??
    taken ??
    (network === 'multus' ? multusProblem(multus) : undefined);
  const submit = async (): Promise<Wait> => {
    const answer = await api.addInterface(vm, {
      name,
      network: network === 'pod' ? 'pod' : { multus },
      binding,
      ...(binding === 'sriov' ? {} : { model }),
    });
    return {
      ref: vm,
      target: `interface ${answer.interface} is in ${
        vm.name
      }'s spec; ${appliedText(answer.applied, answer.liveMigration)}`,
      reached: d => !!d && nicsOf(d).some(n => n.name === answer.interface),
      progress: () => 'updating the spec',
    };
  };
  return (
    <WaitingDialog
      title={`Add a network interface to ${vm.name}`}
      description="Bridge and SR-IOV interfaces on a Multus network hot-plug into a running VM; a pod-network (masquerade) interface takes effect at the next restart."
      actionLabel="Add interface"
      canSubmit={!problem}
      submit={submit}
      onClose={onClose}
      onSettled={onSettled}
    >
      <TextField
        id="kubevirt-nic-name"
        label="Interface name"
        value={name}
        onChange={e => setName(e.target.value.trim())}
        error={!!name && !!problem}
        helperText={(name && (nameProblem(name) ?? taken)) || ' '}
        fullWidth
        margin="dense"
      />
      <TextField
        id="kubevirt-nic-network"
        select
        label="Network"
        value={network}
        onChange={e => {
          const v = e.target.value as 'pod' | 'multus';
          setNetwork(v);
          setBinding(v === 'pod' ? 'masquerade' : 'bridge');
        }}
        fullWidth
        margin="dense"
      >
        <MenuItem value="multus">Multus network</MenuItem>
        <MenuItem value="pod">Pod network</MenuItem>
      </TextField>
      {network === 'multus' && (
        <TextField
          id="kubevirt-nic-multus"
          label="Multus network name"
          value={multus}
          onChange={e => setMultus(e.target.value.trim())}
          error={!!multus && !!multusProblem(multus)}
          helperText={
            (multus && multusProblem(multus)) ||
            `A NetworkAttachmentDefinition in ${vm.namespace}, or <namespace>/<name>`
          }
          fullWidth
          margin="dense"
        />
      )}
      <TextField
        id="kubevirt-nic-binding"
        select
        label="Binding"
        value={binding}
        onChange={e => setBinding(e.target.value as Binding)}
        fullWidth
        margin="dense"
      >
        {network === 'pod' ? (
          <MenuItem value="masquerade">masquerade</MenuItem>
        ) : null}
        {network === 'multus' ? (
          <MenuItem value="bridge">bridge</MenuItem>
        ) : null}
        {network === 'multus' ? <MenuItem value="sriov">sriov</MenuItem> : null}
      </TextField>
      {binding !== 'sriov' && (
        <TextField
          id="kubevirt-nic-model"
          select
          label="Model"
          value={model}
          onChange={e => setModel(e.target.value as Model)}
          fullWidth
          margin="dense"
        >
          {(['virtio', 'e1000e', 'e1000', 'rtl8139'] as const).map(m => (
            <MenuItem key={m} value={m}>
              {m}
            </MenuItem>
          ))}
        </TextField>
      )}
    </WaitingDialog>
  );
};

export const RemoveInterfaceDialog = ({
  detail,
  nic,
  onClose,
  onSettled,
}: {
  detail: VmDetail;
  nic: string;
  onClose(): void;
  onSettled(): void;
}) => {
  const api = useApi(kubevirtApiRef);
  const vm = detail.summary;
  const submit = async (): Promise<Wait> => {
    const answer = await api.removeInterface(vm, nic);
    // a hot-unplugged NIC stays in the spec as `state: absent` until the next restart
    const gone = (d: VmDetail) => {
      const spec =
        (d.vm as any)?.spec?.template?.spec?.domain?.devices?.interfaces ?? [];
      const i = spec.find((x: { name: string }) => x.name === nic);
      return !i || i.state === 'absent';
    };
    return {
      ref: vm,
      target: `interface ${nic} is removed from ${
        vm.name
      }'s spec; ${appliedText(answer.applied, answer.liveMigration)}`,
      reached: d => !!d && gone(d),
      progress: () => 'updating the spec',
    };
  };
  return (
    <WaitingDialog
      title={`Remove interface ${nic} from ${vm.name}`}
      description={`The guest loses interface ${nic} and its addresses; connections over it drop.`}
      actionLabel="Remove interface"
      confirmName={nic}
      submit={submit}
      onClose={onClose}
      onSettled={onSettled}
    />
  );
};
