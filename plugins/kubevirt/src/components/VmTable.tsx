import { Table, TableColumn, WarningPanel } from '@backstage/core-components';
import { ClusterStatus, VmSummary } from '@internal/plugin-kubevirt-common';
import { VmActions } from './VmActions';
import { VmStatus } from './VmStatus';

const nowrap = { whiteSpace: 'nowrap' } as const;

function age(created?: string) {
  if (!created) return '';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(created)) / 1000));
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** Clusters that are not synced or lost their watch, said plainly above the rows that are there. */
export const ClusterWarnings = ({ clusters }: { clusters: ClusterStatus[] }) => (
  <>
    {clusters
      .filter(c => c.state !== 'synced')
      .map(c => (
        <WarningPanel
          key={c.name}
          severity={c.state === 'stale' ? 'warning' : 'error'}
          title={
            c.state === 'stale'
              ? `Cluster ${c.title ?? c.name} is not answering; its VMs are shown as of ${new Date(c.staleSince!).toLocaleTimeString()}`
              : `Cluster ${c.title ?? c.name} is not synced yet; its VMs are not shown`
          }
          message={c.error}
        />
      ))}
  </>
);

export const VmTable = ({ title, vms, loading, onChange }: { title: string; vms: VmSummary[]; loading?: boolean; onChange: () => void }) => {
  const columns: TableColumn<VmSummary>[] = [
    { title: 'Status', field: 'status', render: vm => <VmStatus status={vm.status} />, cellStyle: nowrap },
    { title: 'Name', field: 'name', highlight: true, cellStyle: nowrap },
    { title: 'Cluster', field: 'cluster' },
    { title: 'Namespace', field: 'namespace' },
    { title: 'Node', field: 'node', emptyValue: '—' },
    { title: 'vCPU', field: 'cpu', type: 'numeric' },
    { title: 'Memory', field: 'memory' },
    { title: 'OS', field: 'os' },
    { title: 'IP', cellStyle: nowrap, render: vm => vm.ipAddresses.join(', ') || '—', customFilterAndSearch: (term, vm) => vm.ipAddresses.some(ip => ip.includes(String(term))) },
    { title: 'Age', field: 'created', render: vm => age(vm.created), defaultSort: undefined },
    { title: 'Actions', sorting: false, render: vm => <VmActions vm={vm} onDone={onChange} /> },
  ];
  return (
    <Table<VmSummary>
      title={title}
      isLoading={loading}
      options={{ paging: vms.length > 20, pageSize: 20, pageSizeOptions: [20, 50, 100], padding: 'dense', search: true, filtering: false }}
      data={vms}
      columns={columns}
      emptyContent={<div style={{ padding: 16 }}>No virtual machines.</div>}
    />
  );
};
