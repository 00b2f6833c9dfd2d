import { VmSummary } from '@kubevirt-backstage/plugin-kubevirt-common';
import IconButton from '@material-ui/core/IconButton';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
import Tooltip from '@material-ui/core/Tooltip';
import MoreVertIcon from '@material-ui/icons/MoreVert';
import { deniedReason, OperationId, operations } from './operations';

const rowOperations: OperationId[] = [
  'start',
  'stop',
  'restart',
  'softReboot',
  'pause',
  'unpause',
  'migrate',
  'snapshot',
  'clone',
  'forceStop',
  'delete',
];

/** Where a row's menu opens: page coordinates, which outlive the row's elements. */
export type MenuPosition = { top: number; left: number };

/** A list row's menu button; the menu itself belongs to the list (`VmActionsMenu`). */
export const VmActionsButton = ({
  vm,
  onOpenMenu,
}: {
  vm: VmSummary;
  onOpenMenu: (position: MenuPosition) => void;
}) => (
  <IconButton
    aria-label={`Actions for ${vm.name}`}
    size="small"
    onClick={e => {
      const r = e.currentTarget.getBoundingClientRect();
      onOpenMenu({ top: r.bottom, left: r.left });
    }}
  >
    <MoreVertIcon fontSize="small" />
  </IconButton>
);

/**
 * A row's menu: the operations that apply in the VM's state; those the role
 * forbids are disabled and say why. It is held by the list, not the row, and
 * opens at a position rather than at the button: the table re-creates its rows
 * whenever the list re-reads (live updates), which would close a menu (or a
 * dialog) that lived in a row.
 */
export const VmActionsMenu = ({
  vm,
  position,
  onClose,
  onChoose,
}: {
  vm: VmSummary;
  position: MenuPosition;
  onClose: () => void;
  onChoose: (id: OperationId) => void;
}) => {
  const items = rowOperations
    .map(id => operations[id])
    .filter(spec => !spec.notApplicable?.(vm));
  return (
    <Menu
      anchorReference="anchorPosition"
      anchorPosition={position}
      keepMounted={false}
      open
      onClose={onClose}
    >
      {items.map(spec => {
        const reason = deniedReason(vm, spec.operation);
        const item = (
          <MenuItem
            key={spec.id}
            disabled={!!reason}
            onClick={() => {
              onClose();
              onChoose(spec.id);
            }}
          >
            {spec.label}…
          </MenuItem>
        );
        return reason ? (
          <Tooltip key={spec.id} title={reason} placement="left">
            <span>{item}</span>
          </Tooltip>
        ) : (
          item
        );
      })}
    </Menu>
  );
};
