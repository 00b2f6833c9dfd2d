import {
  StatusError,
  StatusOK,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { VmDetail, VmEvent } from '@kubevirt-backstage/plugin-kubevirt-common';
import { age } from '../list/VmBrowser';

const columns: TableColumn<VmEvent>[] = [
  {
    title: 'Type',
    field: 'type',
    render: e =>
      e.type === 'Warning' ? (
        <StatusError>Warning</StatusError>
      ) : (
        <StatusOK>{e.type}</StatusOK>
      ),
  },
  { title: 'Reason', field: 'reason' },
  {
    title: 'Object',
    render: e => `${e.involvedObject.kind}/${e.involvedObject.name}`,
  },
  { title: 'Message', field: 'message' },
  { title: 'Count', field: 'count', type: 'numeric' },
  {
    title: 'Last seen',
    field: 'lastTimestamp',
    render: e => (e.lastTimestamp ? `${age(e.lastTimestamp)} ago` : ''),
  },
];

export const EventsTab = ({ detail }: { detail: VmDetail }) => (
  <Table<VmEvent>
    title="Events"
    subtitle="Kubernetes events of the VM and its instance, newest first; they arrive live"
    options={{
      paging: detail.events.length > 50,
      pageSize: 50,
      search: true,
      padding: 'dense',
    }}
    data={detail.events}
    columns={columns}
    emptyContent={
      <div style={{ padding: 16 }}>
        No events (the cluster keeps them for an hour).
      </div>
    }
  />
);
