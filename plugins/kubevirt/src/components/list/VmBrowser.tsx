import {
  Link,
  ResponseErrorPanel,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ClusterStatus,
  kubevirtSignalChannels,
  VmListQuery,
  VmSortKey,
  VmSummary,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import TablePagination from '@material-ui/core/TablePagination';
import Tooltip from '@material-ui/core/Tooltip';
import RefreshIcon from '@material-ui/icons/Refresh';
import WarningIcon from '@material-ui/icons/Warning';
import { useCallback, useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { kubevirtApiRef } from '../../api';
import { OperationDialog } from '../actions/OperationDialog';
import { OperationId, operations } from '../actions/operations';
import {
  MenuPosition,
  VmActionsButton,
  VmActionsMenu,
} from '../actions/VmActionsMenu';
import { BulkActions } from '../bulk/BulkActions';
import { useVmLink } from '../links';
import { SignalWatch, useSignalRefresh } from '../useSignalRefresh';
import { VmStatus } from '../VmStatus';
import { VmFilterValues, VmFilters } from './VmFilters';
import { ClusterCapabilityNotes } from './ClusterCapabilityNotes';

// a fresh object per column: core-components' Table writes fontWeight into a highlighted column's cellStyle
const nowrap = () => ({ whiteSpace: 'nowrap' as const });

export function age(created?: string) {
  if (!created) return '';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(created)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** What the list says of a cluster it cannot show in full. */
function clusterWarningTitle(c: ClusterStatus) {
  const name = c.title ?? c.name;
  if (c.problem)
    return `Cluster ${name} cannot be used: the broker cannot reach it as configured`;
  if (c.state === 'stale')
    return `Cluster ${name} is not answering; its VMs are shown as of ${
      c.staleSince
        ? new Date(c.staleSince).toLocaleTimeString()
        : 'the last sync'
    }`;
  return `Cluster ${name} is not synced yet; its VMs are not shown`;
}

/** Clusters that are not synced or lost their watch, said plainly above the rows that are there. */
const ClusterWarnings = ({ clusters }: { clusters: ClusterStatus[] }) => (
  <>
    {clusters
      .filter(c => c.state !== 'synced')
      .map(c => (
        <Box key={c.name} mb={2}>
          <WarningPanel
            severity={c.state === 'stale' ? 'warning' : 'error'}
            title={clusterWarningTitle(c)}
            message={c.problem ?? c.error}
          />
        </Box>
      ))}
  </>
);

/** Columns the broker sorts by, and the field each shows. */
const sortable: Record<string, VmSortKey> = {
  status: 'status',
  name: 'name',
  cluster: 'cluster',
  namespace: 'namespace',
  created: 'created',
};

const pageSizes = [20, 50, 100];

/**
 * VMs from the broker, filtered, sorted and paged there: the browser only
 * ever holds one page, so a tab over thousands of VMs renders as fast as one
 * over ten. Rows refresh when the broker signals a change of a visible VM (or
 * on `channel`, e.g. the entity's).
 */
export const VmBrowser = ({
  title,
  baseQuery,
  channel,
}: {
  title: string;
  baseQuery: VmListQuery;
  channel?: string;
}) => {
  const api = useApi(kubevirtApiRef);
  const vmLink = useVmLink();
  const [filters, setFilters] = useState<VmFilterValues>({ status: [] });
  const [sort, setSort] = useState<{ key: VmSortKey; order: 'asc' | 'desc' }>({
    key: 'name',
    order: 'asc',
  });
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(pageSizes[0]);
  const [bump, setBump] = useState(0);
  const refresh = useCallback(() => setBump(b => b + 1), []);
  const channelGeneration = useSignalRefresh(channel);
  const [rowGeneration, setRowGeneration] = useState(0);
  const onRowSignal = useCallback(() => setRowGeneration(g => g + 1), []);

  const query: VmListQuery = useMemo(
    () => ({
      ...baseQuery,
      cluster: filters.cluster,
      namespace: filters.namespace,
      status: filters.status.length ? filters.status : undefined,
      text: filters.text,
      sort: sort.key,
      order: sort.order,
      offset: page * pageSize,
      limit: pageSize,
    }),
    [baseQuery, filters, sort, page, pageSize],
  );
  const key = JSON.stringify(query);
  // debounce row signals: a burst of changes is one fetch
  const [debouncedRows, setDebouncedRows] = useState(0);
  useEffect(() => {
    const timer = setTimeout(() => setDebouncedRows(rowGeneration), 250);
    return () => clearTimeout(timer);
  }, [rowGeneration]);

  // eslint-disable-next-line react-hooks/exhaustive-deps
  const list = useAsync(
    () => api.listVms(query),
    [api, key, bump, channelGeneration, debouncedRows],
  );
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const clusterList = useAsync(() => api.listClusters(), [api, bump]);
  // react-use keeps the last value while a refetch runs: the table never blinks
  const shown = list.value;
  const clusterStates = new Map((shown?.clusters ?? []).map(c => [c.name, c]));
  const knownClusters = clusterList.value?.items ?? shown?.clusters ?? [];

  // rows picked for bulk actions; a new page or filter is a new selection
  const [selected, setSelected] = useState<VmSummary[]>([]);
  // a row's menu and its dialog live here, not in the row: rows are re-created on every re-read
  const [menu, setMenu] = useState<{ vm: VmSummary; position: MenuPosition }>();
  const [dialog, setDialog] = useState<{ id: OperationId; vm: VmSummary }>();
  const sameVm = (a: VmSummary, b: VmSummary) =>
    a.cluster === b.cluster && a.namespace === b.namespace && a.name === b.name;
  // the row's current state, as the last re-read has it
  const latest = (vm: VmSummary) =>
    shown?.items.find(item => sameVm(item, vm)) ?? vm;
  useEffect(() => setSelected([]), [key]);
  // one element per state: Backstage's Table makes a new body component (remounting every row,
  // and the checkbox or menu under the pointer with it) whenever this element changes
  const loaded = !!shown;
  const emptyContent = useMemo(
    () => <Box p={2}>{loaded ? 'No virtual machines match.' : 'Loading…'}</Box>,
    [loaded],
  );

  const changeFilters = useCallback((f: VmFilterValues) => {
    setFilters(f);
    setPage(0);
  }, []);

  const allColumns: TableColumn<VmSummary>[] = [
    {
      title: 'Status',
      field: 'status',
      render: vm => <VmStatus status={vm.status} />,
      cellStyle: nowrap(),
    },
    {
      title: 'Name',
      field: 'name',
      highlight: true,
      cellStyle: nowrap(),
      render: vm => (vmLink ? <Link to={vmLink(vm)}>{vm.name}</Link> : vm.name),
    },
    {
      title: 'Cluster',
      field: 'cluster',
      // with one cluster the column says nothing and costs the width the row menu needs
      hidden: knownClusters.length <= 1,
      cellStyle: nowrap(),
      render: vm => {
        const state = clusterStates.get(vm.cluster);
        if (!state || state.state === 'synced') return vm.cluster;
        return (
          <Tooltip
            title={`Cluster ${vm.cluster} is ${state.state}${
              state.error ? `: ${state.error}` : ''
            }; this row may be out of date`}
          >
            <span
              style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
            >
              <WarningIcon
                fontSize="small"
                style={{ color: '#f57c00' }}
                aria-label="cluster not answering"
              />
              {vm.cluster}
            </span>
          </Tooltip>
        );
      },
    },
    { title: 'Namespace', field: 'namespace' },
    {
      title: 'Node',
      field: 'node',
      emptyValue: '—',
      sorting: false,
      cellStyle: nowrap(),
    },
    {
      title: 'vCPU',
      field: 'cpu',
      type: 'numeric',
      sorting: false,
      emptyValue: '—',
    },
    {
      title: 'Memory',
      field: 'memory',
      sorting: false,
      emptyValue: '—',
      cellStyle: nowrap(),
    },
    {
      title: 'OS',
      field: 'os',
      sorting: false,
      emptyValue: '—',
      // guest agents report long names ("Fedora Linux 41 (Cloud Edition)"): one line, full name on hover
      render: vm => (
        <span
          title={vm.os}
          style={{
            display: 'inline-block',
            maxWidth: 150,
            overflow: 'hidden',
            textOverflow: 'ellipsis',
            whiteSpace: 'nowrap',
            verticalAlign: 'bottom',
          }}
        >
          {vm.os ?? '—'}
        </span>
      ),
    },
    {
      title: 'IP',
      cellStyle: nowrap(),
      sorting: false,
      render: vm => vm.ipAddresses.join(', ') || '—',
    },
    { title: 'Age', field: 'created', render: vm => age(vm.created) },
    {
      title: '',
      sorting: false,
      render: vm => (
        <VmActionsButton
          vm={vm}
          onOpenMenu={position => setMenu({ vm, position })}
        />
      ),
    },
  ];
  const columns = allColumns.map(c => ({
    ...c,
    // eleven columns and the selection box fit a laptop screen only with tighter cells
    cellStyle: {
      padding: '4px 8px',
      ...((c.cellStyle as object | undefined) ?? {}),
    },
    headerStyle: { padding: '8px' },
    ...(c.field && sortable[c.field as string] === sort.key
      ? { defaultSort: sort.order }
      : {}),
  }));

  return (
    <>
      {shown && <ClusterWarnings clusters={shown.clusters} />}
      {shown && <ClusterCapabilityNotes clusters={shown.clusters} />}
      <VmFilters
        value={filters}
        onChange={changeFilters}
        clusters={knownClusters}
      />
      {list.error && <ResponseErrorPanel error={list.error} />}
      {(shown?.items ?? []).map(vm => (
        <SignalWatch
          key={`${vm.cluster}/${vm.namespace}/${vm.name}`}
          channel={kubevirtSignalChannels.vm(vm)}
          onSignal={onRowSignal}
        />
      ))}
      <BulkActions
        selected={selected}
        onDone={() => {
          setSelected([]);
          refresh();
        }}
      />
      <Table<VmSummary>
        title={`${title} (${shown?.totalItems ?? '…'})`}
        isLoading={list.loading && !shown}
        options={{
          paging: false,
          search: false,
          padding: 'dense',
          sorting: true,
          draggable: false,
          selection: true,
          showTextRowsSelected: false,
          showSelectAllCheckbox: true,
        }}
        onSelectionChange={(rows: VmSummary[]) => setSelected(rows)}
        // rows refresh by signals; VMs created or deleted elsewhere show on the next read, or now
        actions={[
          {
            icon: () => <RefreshIcon />,
            tooltip: 'Refresh',
            isFreeAction: true,
            onClick: refresh,
          },
        ]}
        // an id per VM keeps each row's DOM across re-reads (material-table keys rows by the
        // id's previous row), so a checkbox or menu under the pointer is not replaced while a
        // live update re-reads the list; the checked state is always given, never carried over
        data={(shown?.items ?? []).map(vm => ({
          ...vm,
          id: `${vm.cluster}/${vm.namespace}/${vm.name}`,
          tableData: { checked: selected.some(s => s.uid === vm.uid) },
        }))}
        columns={columns}
        onOrderChange={(index: number, direction: 'asc' | 'desc') => {
          const field = columns[index]?.field as string | undefined;
          const sortKey = field ? sortable[field] : undefined;
          setSort(
            sortKey
              ? { key: sortKey, order: direction || 'asc' }
              : { key: 'name', order: 'asc' },
          );
          setPage(0);
        }}
        emptyContent={emptyContent}
      />
      {menu && (
        <VmActionsMenu
          vm={latest(menu.vm)}
          position={menu.position}
          onClose={() => setMenu(undefined)}
          onChoose={id => setDialog({ id, vm: menu.vm })}
        />
      )}
      {dialog && (
        <OperationDialog
          spec={operations[dialog.id]}
          vm={latest(dialog.vm)}
          onClose={() => setDialog(undefined)}
          onSettled={refresh}
        />
      )}
      <TablePagination
        component="div"
        count={shown?.totalItems ?? 0}
        page={page}
        rowsPerPage={pageSize}
        rowsPerPageOptions={pageSizes}
        onPageChange={(_e, p) => setPage(p)}
        onRowsPerPageChange={e => {
          setPageSize(Number(e.target.value));
          setPage(0);
        }}
      />
    </>
  );
};
