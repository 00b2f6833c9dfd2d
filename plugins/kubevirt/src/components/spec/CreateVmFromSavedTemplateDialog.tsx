import { useApi } from '@backstage/core-plugin-api';
import {
  vmCreatePermission,
  SavedVmTemplate,
  weakestRoleFor,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { kubevirtApiRef } from '../../api';
import { nameProblem, Wait } from '../actions/operations';
import { WaitingDialog } from '../actions/WaitingDialog';
import { errorText } from '../errors';

const keyOf = (t: SavedVmTemplate) => `${t.namespace}/${t.name}`;

/** A new, stopped VM from a saved VM template (one made with "Save as template"), in the saved template's namespace. */
export const CreateVmFromSavedTemplateDialog = ({
  onClose,
}: {
  onClose(): void;
}) => {
  const api = useApi(kubevirtApiRef);
  const clusters = useAsync(
    async () => (await api.listClusters()).items.map(c => c.name),
    [api],
  );
  const [picked, setPicked] = useState<string>();
  const cluster = picked ?? clusters.value?.[0] ?? '';
  // the broker lists only saved VM templates in namespaces where the caller may create VMs
  const savedTemplates = useAsync(
    async () =>
      cluster ? (await api.listSavedVmTemplates(cluster)).items : [],
    [api, cluster],
  );
  const [savedTemplateKey, setSavedTemplateKey] = useState('');
  const savedTemplate =
    savedTemplates.value?.find(t => keyOf(t) === savedTemplateKey) ??
    savedTemplates.value?.[0];
  const [name, setName] = useState('');
  const loadError = clusters.error ?? savedTemplates.error;
  const submit = async (): Promise<Wait> => {
    const { vm } = await api.createVmFromSavedVmTemplate(savedTemplate!, {
      name,
      runStrategy: 'Halted',
    });
    return {
      ref: vm,
      target: `${vm.name} exists in ${vm.namespace} on ${vm.cluster}`,
      reached: d => !!d,
      progress: () => 'creating',
    };
  };
  return (
    <WaitingDialog
      title="Create a VM from a template"
      description="Creates a stopped VM from a saved template, in the template's namespace; its disks are copied under the new VM's name."
      actionLabel="Create"
      canSubmit={!!savedTemplate && !nameProblem(name)}
      submit={submit}
      onClose={onClose}
    >
      {loadError && <Alert severity="error">{errorText(loadError)}</Alert>}
      <TextField
        id="kubevirt-saved-template-cluster"
        select
        label="Cluster"
        value={cluster}
        onChange={e => setPicked(e.target.value)}
        fullWidth
        margin="dense"
      >
        {(clusters.value ?? []).map(c => (
          <MenuItem key={c} value={c}>
            {c}
          </MenuItem>
        ))}
      </TextField>
      {savedTemplates.value && savedTemplates.value.length === 0 ? (
        <Box my={1}>
          <Typography variant="body2">
            No saved templates on {cluster} in a namespace where you may create
            VMs (creating needs{' '}
            {weakestRoleFor(vmCreatePermission) ?? 'the create permission'}).
          </Typography>
        </Box>
      ) : (
        <TextField
          id="kubevirt-saved-template"
          select
          label="Template"
          value={savedTemplate ? keyOf(savedTemplate) : ''}
          onChange={e => setSavedTemplateKey(e.target.value)}
          fullWidth
          margin="dense"
        >
          {(savedTemplates.value ?? []).map(t => (
            <MenuItem key={keyOf(t)} value={keyOf(t)}>
              {t.displayName ?? t.name} ({keyOf(t)}
              {t.source ? `, from ${t.source}` : ''})
            </MenuItem>
          ))}
        </TextField>
      )}
      <TextField
        id="kubevirt-saved-template-vm-name"
        label="Name of the new VM"
        value={name}
        onChange={e => setName(e.target.value.trim())}
        error={!!name && !!nameProblem(name)}
        helperText={
          (name && nameProblem(name)) ||
          (savedTemplate
            ? `Created in ${savedTemplate.namespace}, stopped`
            : ' ')
        }
        fullWidth
        margin="dense"
      />
    </WaitingDialog>
  );
};

export const CreateVmFromSavedTemplateButton = () => {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="outlined" color="primary" onClick={() => setOpen(true)}>
        Create from template
      </Button>
      {open && (
        <CreateVmFromSavedTemplateDialog onClose={() => setOpen(false)} />
      )}
    </>
  );
};
