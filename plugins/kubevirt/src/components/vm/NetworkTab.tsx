import { Table, TableColumn } from '@backstage/core-components';
import { VmDetail } from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { useState } from 'react';
import { deniedReason } from '../actions/operations';
import { NicRow, nicsOf } from './nics';
import {
  AddInterfaceDialog,
  RemoveInterfaceDialog,
} from '../spec/InterfaceDialogs';

const columns: TableColumn<NicRow>[] = [
  { title: 'Name', field: 'name', highlight: true },
  { title: 'Network', field: 'network' },
  { title: 'Binding', field: 'binding' },
  { title: 'Model', field: 'model' },
  { title: 'MAC', field: 'mac' },
  { title: 'IP addresses', field: 'ips' },
  { title: 'Name in guest', field: 'guestName' },
];

export const NetworkTab = ({
  detail,
  onChange,
}: {
  detail: VmDetail;
  onChange?: () => void;
}) => {
  const vm = detail.summary;
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<string>();
  const addDenied = deniedReason(vm, 'addInterface');
  const removeDenied = deniedReason(vm, 'removeInterface');
  const withActions: TableColumn<NicRow>[] = [
    ...columns,
    {
      title: 'Actions',
      render: n => (
        <Tooltip title={removeDenied ?? `Remove ${n.name}`}>
          <span>
            <Button
              size="small"
              disabled={!!removeDenied}
              onClick={() => setRemoving(n.name)}
              aria-label={`Remove interface ${n.name}`}
            >
              Remove
            </Button>
          </span>
        </Tooltip>
      ),
    },
  ];
  return (
    <>
      <Box mb={2} display="flex" justifyContent="flex-end">
        <Tooltip
          title={
            addDenied ?? 'Add a NIC on the pod network or a Multus network'
          }
        >
          <span>
            <Button
              variant="contained"
              color="primary"
              disabled={!!addDenied}
              onClick={() => setAdding(true)}
            >
              Add interface
            </Button>
          </span>
        </Tooltip>
      </Box>
      <Table<NicRow>
        title="Network interfaces"
        options={{ paging: false, search: false, padding: 'dense' }}
        data={nicsOf(detail)}
        columns={withActions}
        emptyContent={
          <div style={{ padding: 16 }}>The VM has no network interfaces.</div>
        }
      />
      {adding && (
        <AddInterfaceDialog
          detail={detail}
          onClose={() => setAdding(false)}
          onSettled={() => onChange?.()}
        />
      )}
      {removing && (
        <RemoveInterfaceDialog
          detail={detail}
          nic={removing}
          onClose={() => setRemoving(undefined)}
          onSettled={() => onChange?.()}
        />
      )}
    </>
  );
};
