import { useApi } from '@backstage/core-plugin-api';
import { VmDetail } from '@kubevirt-backstage/plugin-kubevirt-common';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import { kubevirtApiRef } from '../../api';
import { nameProblem, Wait } from '../actions/operations';
import { WaitingDialog } from '../actions/WaitingDialog';

/** Saves the VM's definition as a saved VM template, from which "Create from template" makes new VMs. */
export const SaveVmAsSavedTemplateDialog = ({
  detail,
  onClose,
}: {
  detail: VmDetail;
  onClose(): void;
}) => {
  const api = useApi(kubevirtApiRef);
  const vm = detail.summary;
  const [name, setName] = useState(`${vm.name}-template`.slice(0, 63));
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const submit = async (): Promise<Wait> => {
    const { template: saved } = await api.saveAsSavedVmTemplate(vm, {
      name,
      ...(displayName ? { displayName } : {}),
      ...(description ? { description } : {}),
    });
    return {
      ref: vm,
      target: `template ${saved.name} is saved in ${saved.namespace} on ${saved.cluster}`,
      reached: () => true,
      progress: () => 'saving',
    };
  };
  return (
    <WaitingDialog
      title={`Save ${vm.name} as a template`}
      description={`Save ${vm.name}'s definition (without its status, MACs, firmware IDs and SSH key) as a reusable template in ${vm.namespace}; new VMs can be created from it. The VM itself is not changed.`}
      actionLabel="Save template"
      canSubmit={!nameProblem(name)}
      submit={submit}
      onClose={onClose}
    >
      <TextField
        id="kubevirt-saved-template-name"
        label="Template name"
        value={name}
        onChange={e => setName(e.target.value.trim())}
        error={!!nameProblem(name)}
        helperText={nameProblem(name) ?? ' '}
        fullWidth
        margin="dense"
      />
      <TextField
        id="kubevirt-saved-template-display"
        label="Display name (optional)"
        value={displayName}
        onChange={e => setDisplayName(e.target.value)}
        fullWidth
        margin="dense"
      />
      <TextField
        id="kubevirt-saved-template-description"
        label="Description (optional)"
        value={description}
        onChange={e => setDescription(e.target.value)}
        fullWidth
        margin="dense"
      />
    </WaitingDialog>
  );
};
