import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  vmSnapshotPermission,
  VmSummary,
  weakestRoleFor,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import { allOperations, summary } from '../../testing/fakeKubevirtApi';
import { VmLinkBaseProvider } from '../links';
import { VmBrowser } from '../list/VmBrowser';

const vms: VmSummary[] = [
  summary({ name: 'db-0', uid: 'u0' }),
  summary({ name: 'db-1', uid: 'u1', status: 'Stopped' }),
  // a VM the user may start and stop but not snapshot
  summary({
    name: 'web-0',
    uid: 'u2',
    namespace: 'web',
    allowedOperations: allOperations.filter(o => o !== 'snapshot'),
  }),
];

function brokerApi() {
  return {
    listVms: jest.fn(async () => ({
      items: vms,
      totalItems: vms.length,
      clusters: [{ name: 'east', state: 'synced' as const }],
    })),
    listClusters: jest.fn(async () => ({
      items: [{ name: 'east', state: 'synced' as const }],
    })),
    bulk: jest.fn(
      async (req: {
        action: string;
        vms: { cluster: string; namespace: string; name: string }[];
      }) => ({
        action: req.action,
        dryRun: false,
        results: req.vms.map(vm =>
          vm.name === 'db-1' && req.action === 'stop'
            ? {
                ...vm,
                ok: false,
                status: 409,
                error:
                  'Virtual machine payments/db-1 on cluster east: VM is not running',
              }
            : {
                ...vm,
                ok: true,
                status: req.action === 'snapshot' ? 201 : 202,
                ...(req.action === 'snapshot'
                  ? { snapshot: `${vm.name}-20261125-010203` }
                  : {}),
              },
        ),
      }),
    ),
  };
}

function render() {
  const api = brokerApi();
  renderInTestApp(
    <TestApiProvider apis={[[kubevirtApiRef, api as any]]}>
      <VmLinkBaseProvider base="/virtual-machines">
        <VmBrowser title="Virtual machines" baseQuery={{}} />
      </VmLinkBaseProvider>
    </TestApiProvider>,
  );
  return api;
}

const selectRow = async (name: string) => {
  const row = (await screen.findByRole('link', { name })).closest('tr')!;
  fireEvent.click(within(row).getByRole('checkbox'));
};

describe('bulk actions on the VM list', () => {
  it('stops the selected VMs in one request and shows each VM’s outcome', async () => {
    const api = render();
    await selectRow('db-0');
    await selectRow('db-1');
    const bar = await screen.findByRole('toolbar', { name: 'Bulk actions' });
    expect(bar).toHaveTextContent('2 selected');
    fireEvent.click(within(bar).getByRole('button', { name: 'Stop selected' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Stop 2 VMs')).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Stop' }));
    await waitFor(() =>
      expect(api.bulk).toHaveBeenCalledWith({
        action: 'stop',
        vms: [
          { cluster: 'east', namespace: 'payments', name: 'db-0' },
          { cluster: 'east', namespace: 'payments', name: 'db-1' },
        ],
      }),
    );
    expect(
      await within(dialog).findByText('Done: accepted by the cluster'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'Failed (409): Virtual machine payments/db-1 on cluster east: VM is not running',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(/1 of 2 done, 1 failed/),
    ).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    // the list is read again and the selection cleared
    await waitFor(() =>
      expect(api.listVms.mock.calls.length).toBeGreaterThanOrEqual(2),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('toolbar', { name: 'Bulk actions' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('leaves out the VMs the role does not allow, naming the role they need', async () => {
    const api = render();
    await selectRow('db-0');
    await selectRow('web-0');
    fireEvent.click(
      await screen.findByRole('button', { name: 'Snapshot selected' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Snapshot 1 VMs')).toBeInTheDocument();
    const role = weakestRoleFor(vmSnapshotPermission);
    expect(
      within(dialog).getByText(
        `Skipped: Your VM role does not allow snapshot on this VM; it needs ${role}`,
      ),
    ).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Snapshot' }));
    await waitFor(() =>
      expect(api.bulk).toHaveBeenCalledWith({
        action: 'snapshot',
        vms: [{ cluster: 'east', namespace: 'payments', name: 'db-0' }],
      }),
    );
    expect(
      await within(dialog).findByText('Done: snapshot db-0-20261125-010203'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(/1 of 2 done, 1 skipped/),
    ).toBeInTheDocument();
  });

  it('disables an action none of the selected VMs allows', async () => {
    render();
    await selectRow('web-0');
    expect(
      await screen.findByRole('button', { name: 'Snapshot selected' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Start selected' }),
    ).toBeEnabled();
  });
});
