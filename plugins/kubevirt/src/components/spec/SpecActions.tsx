import { VmDetail } from '@internal/plugin-kubevirt-common';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { useState } from 'react';
import { deniedReason } from '../actions/operations';
import { ResourcesDialog } from './ResourcesDialog';
import { SaveTemplateDialog } from './SaveTemplateDialog';

/** The toolbar's spec actions: each needs its own input and answers with how it applies, so they are not OperationSpecs. */
export const SpecActions = ({ detail, onChange }: { detail: VmDetail; onChange?: () => void }) => {
  const vm = detail.summary;
  const [open, setOpen] = useState<'resources' | 'template'>();
  const resourcesReason = deniedReason(vm, 'hotplugResources') ?? (vm.instancetype ? `${vm.name} is sized by instancetype ${vm.instancetype}; change the instancetype in the YAML` : undefined);
  const templateReason = deniedReason(vm, 'saveAsTemplate');
  return (
    <>
      <Tooltip title={resourcesReason ?? `Change ${vm.name}'s CPU sockets and guest memory`}>
        <span>
          <Button size="small" variant="outlined" disabled={!!resourcesReason} onClick={() => setOpen('resources')}>
            Change CPU / memory
          </Button>
        </span>
      </Tooltip>
      <Tooltip title={templateReason ?? `Save ${vm.name}'s definition as a reusable template`}>
        <span>
          <Button size="small" variant="outlined" disabled={!!templateReason} onClick={() => setOpen('template')}>
            Save as template
          </Button>
        </span>
      </Tooltip>
      {open === 'resources' && <ResourcesDialog detail={detail} onClose={() => setOpen(undefined)} onSettled={onChange} />}
      {open === 'template' && <SaveTemplateDialog detail={detail} onClose={() => setOpen(undefined)} />}
    </>
  );
};
