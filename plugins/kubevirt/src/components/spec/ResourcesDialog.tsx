import { useApi } from '@backstage/core-plugin-api';
import { VmDetail } from '@kubevirt-backstage/plugin-kubevirt-common';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import { kubevirtApiRef } from '../../api';
import { Wait } from '../actions/operations';
import { WaitingDialog } from '../actions/WaitingDialog';
import { appliedText, quantityProblem } from './applied';

// KubeVirt (and the broker) read a missing sockets, cores or threads as 1
function specOf(detail: VmDetail): {
  sockets: number;
  perSocket: number;
  memory?: string;
  maxSockets?: number;
  maxGuest?: string;
} {
  const domain = (detail.vm as any)?.spec?.template?.spec?.domain ?? {};
  return {
    sockets: domain.cpu?.sockets ?? 1,
    perSocket: (domain.cpu?.cores ?? 1) * (domain.cpu?.threads ?? 1),
    memory: domain.memory?.guest,
    maxSockets: domain.cpu?.maxSockets,
    maxGuest: domain.memory?.maxGuest,
  };
}

const socketsProblem = (s: string) =>
  /^[1-9]\d*$/.test(s) ? undefined : 'A whole number of sockets, at least 1';

/** CPU sockets and guest memory; the broker says whether it applies live, at a restart or at the next start. */
export const ResourcesDialog = ({
  detail,
  onClose,
  onSettled,
}: {
  detail: VmDetail;
  onClose(): void;
  onSettled?(): void;
}) => {
  const api = useApi(kubevirtApiRef);
  const vm = detail.summary;
  const spec = specOf(detail);
  const [sockets, setSockets] = useState(String(spec.sockets));
  const [memory, setMemory] = useState(spec.memory ?? vm.memory ?? '');
  const problem = socketsProblem(sockets) ?? quantityProblem(memory);
  const submit = async (): Promise<Wait> => {
    const answer = await api.hotplugResources(vm, {
      sockets: Number(sockets),
      memory,
    });
    return {
      ref: vm,
      target: `${vm.name} has ${answer.sockets ?? sockets} sockets and ${
        answer.memory ?? memory
      } of memory in its spec; ${appliedText(
        answer.applied,
        answer.liveMigration,
      )}`,
      reached: d => !!d,
      progress: () => 'updating the spec',
    };
  };
  return (
    <WaitingDialog
      title={`Change CPU / memory of ${vm.name}`}
      description="More sockets or memory on a running VM apply live (KubeVirt live-migrates it); less needs a restart; a stopped VM gets them when it starts. A VM sized by an instancetype changes its instancetype instead."
      actionLabel="Apply"
      canSubmit={!problem}
      submit={submit}
      onClose={onClose}
      onSettled={onSettled}
    >
      <TextField
        id="kubevirt-cpu-sockets"
        label="CPU sockets"
        value={sockets}
        onChange={e => setSockets(e.target.value.trim())}
        error={!!socketsProblem(sockets)}
        helperText={
          socketsProblem(sockets) ??
          `${Number(sockets) * spec.perSocket} vCPUs (${
            spec.perSocket
          } per socket)${
            spec.maxSockets ? `; at most ${spec.maxSockets} sockets` : ''
          }`
        }
        fullWidth
        margin="dense"
      />
      <TextField
        id="kubevirt-guest-memory"
        label="Guest memory"
        value={memory}
        onChange={e => setMemory(e.target.value.trim())}
        error={!!quantityProblem(memory)}
        helperText={
          quantityProblem(memory) ??
          (spec.maxGuest ? `At most ${spec.maxGuest}` : ' ')
        }
        fullWidth
        margin="dense"
      />
    </WaitingDialog>
  );
};
