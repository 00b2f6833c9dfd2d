import { VmDetail } from '@kubevirt-backstage/plugin-kubevirt-common';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { useState } from 'react';
import { deniedReason } from '../actions/operations';
import { ResourcesDialog } from './ResourcesDialog';
import { SaveVmAsSavedTemplateDialog } from './SaveVmAsSavedTemplateDialog';

/** The toolbar's spec actions: each needs its own input and answers with how it applies, so they are not OperationSpecs. */
export const SpecActions = ({
  detail,
  onChange,
}: {
  detail: VmDetail;
  onChange?: () => void;
}) => {
  const vm = detail.summary;
  const [open, setOpen] = useState<'resources' | 'saveAsSavedVmTemplate'>();
  const resourcesReason =
    deniedReason(vm, 'hotplugResources') ??
    (vm.instancetype
      ? `${vm.name} is sized by instancetype ${vm.instancetype}; change the instancetype in the YAML`
      : undefined);
  const saveAsSavedVmTemplateReason = deniedReason(vm, 'saveAsSavedVmTemplate');
  return (
    <>
      <Tooltip
        title={
          resourcesReason ?? `Change ${vm.name}'s CPU sockets and guest memory`
        }
      >
        <span>
          <Button
            size="small"
            variant="outlined"
            disabled={!!resourcesReason}
            onClick={() => setOpen('resources')}
          >
            Change CPU / memory
          </Button>
        </span>
      </Tooltip>
      <Tooltip
        title={
          saveAsSavedVmTemplateReason ??
          `Save ${vm.name}'s definition as a reusable template`
        }
      >
        <span>
          <Button
            size="small"
            variant="outlined"
            disabled={!!saveAsSavedVmTemplateReason}
            onClick={() => setOpen('saveAsSavedVmTemplate')}
          >
            Save as template
          </Button>
        </span>
      </Tooltip>
      {open === 'resources' && (
        <ResourcesDialog
          detail={detail}
          onClose={() => setOpen(undefined)}
          onSettled={onChange}
        />
      )}
      {open === 'saveAsSavedVmTemplate' && (
        <SaveVmAsSavedTemplateDialog
          detail={detail}
          onClose={() => setOpen(undefined)}
        />
      )}
    </>
  );
};
