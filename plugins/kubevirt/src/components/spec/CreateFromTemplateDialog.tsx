import { useApi } from '@backstage/core-plugin-api';
import { vmCreatePermission, VmTemplateInfo, weakestRoleFor } from '@internal/plugin-kubevirt-common';
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

const keyOf = (t: VmTemplateInfo) => `${t.namespace}/${t.name}`;

/** A new, stopped VM from a template saved with "Save as template", in the template's namespace. */
export const CreateFromTemplateDialog = ({ onClose }: { onClose(): void }) => {
  const api = useApi(kubevirtApiRef);
  const clusters = useAsync(async () => (await api.listClusters()).items.map(c => c.name), [api]);
  const [picked, setPicked] = useState<string>();
  const cluster = picked ?? clusters.value?.[0] ?? '';
  // the broker lists only templates in namespaces where the caller may create VMs
  const templates = useAsync(async () => (cluster ? (await api.listVmTemplates(cluster)).items : []), [api, cluster]);
  const [templateKey, setTemplateKey] = useState('');
  const template = templates.value?.find(t => keyOf(t) === templateKey) ?? templates.value?.[0];
  const [name, setName] = useState('');
  const loadError = clusters.error ?? templates.error;
  const submit = async (): Promise<Wait> => {
    const { vm } = await api.createVmFromTemplate(template!, { name, runStrategy: 'Halted' });
    return { ref: vm, target: `${vm.name} exists in ${vm.namespace} on ${vm.cluster}`, reached: d => !!d, progress: () => 'creating' };
  };
  return (
    <WaitingDialog
      title="Create a VM from a template"
      description="Creates a stopped VM from a saved template, in the template's namespace; its disks are copied under the new VM's name."
      actionLabel="Create"
      canSubmit={!!template && !nameProblem(name)}
      submit={submit}
      onClose={onClose}
    >
      {loadError && <Alert severity="error">{errorText(loadError)}</Alert>}
      <TextField id="kubevirt-template-cluster" select label="Cluster" value={cluster} onChange={e => setPicked(e.target.value)} fullWidth margin="dense">
        {(clusters.value ?? []).map(c => (
          <MenuItem key={c} value={c}>
            {c}
          </MenuItem>
        ))}
      </TextField>
      {templates.value && templates.value.length === 0 ? (
        <Box my={1}>
          <Typography variant="body2">
            No saved templates on {cluster} in a namespace where you may create VMs (creating needs {weakestRoleFor(vmCreatePermission) ?? 'the create permission'}).
          </Typography>
        </Box>
      ) : (
        <TextField id="kubevirt-template" select label="Template" value={template ? keyOf(template) : ''} onChange={e => setTemplateKey(e.target.value)} fullWidth margin="dense">
          {(templates.value ?? []).map(t => (
            <MenuItem key={keyOf(t)} value={keyOf(t)}>
              {t.displayName ?? t.name} ({keyOf(t)}
              {t.source ? `, from ${t.source}` : ''})
            </MenuItem>
          ))}
        </TextField>
      )}
      <TextField id="kubevirt-template-vm-name" label="Name of the new VM" value={name} onChange={e => setName(e.target.value.trim())} error={!!name && !!nameProblem(name)} helperText={(name && nameProblem(name)) || (template ? `Created in ${template.namespace}, stopped` : ' ')} fullWidth margin="dense" />
    </WaitingDialog>
  );
};

export const CreateFromTemplateButton = () => {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="outlined" color="primary" onClick={() => setOpen(true)}>
        Create from template
      </Button>
      {open && <CreateFromTemplateDialog onClose={() => setOpen(false)} />}
    </>
  );
};
