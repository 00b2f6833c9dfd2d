import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  VmListQuery,
  VmSummary,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import { summary } from '../../testing/fakeKubevirtApi';
import { VmLinkBaseProvider } from '../links';
import { statusClass, statusFilterValues } from '../VmStatus';
import { VmBrowser } from './VmBrowser';

const many = Array.from({ length: 45 }, (_, i) =>
  summary({ name: `vm-${String(i).padStart(2, '0')}`, uid: `u${i}` }),
);

/** A broker that filters, sorts and pages like the real one, so the test sees what the UI asked for. */
function pagingApi(
  vms: VmSummary[],
  clusters = [{ name: 'east', state: 'synced' as const }],
) {
  const listVms = jest.fn(async (q: VmListQuery = {}) => {
    let rows = vms.filter(
      v =>
        (!q.cluster || v.cluster === q.cluster) &&
        (!q.status || q.status.includes(v.status)) &&
        (!q.text || v.name.includes(q.text)),
    );
    rows = [...rows].sort(
      (a, b) =>
        String(a[q.sort ?? 'name']).localeCompare(String(b[q.sort ?? 'name'])) *
        (q.order === 'desc' ? -1 : 1),
    );
    return {
      items: rows.slice(q.offset ?? 0, (q.offset ?? 0) + (q.limit ?? 500)),
      totalItems: rows.length,
      clusters,
    };
  });
  return {
    listVms,
    listClusters: jest.fn(async () => ({
      items: [
        { name: 'east', state: 'synced' as const },
        { name: 'west', title: 'West DC', state: 'synced' as const },
      ],
    })),
  };
}

const render = (api: object) =>
  renderInTestApp(
    <TestApiProvider apis={[[kubevirtApiRef, api as any]]}>
      <VmLinkBaseProvider base="/virtual-machines">
        <VmBrowser
          title="Virtual machines"
          baseQuery={{ kubernetesId: 'payments-api' }}
        />
      </VmLinkBaseProvider>
    </TestApiProvider>,
  );

describe('VmBrowser', () => {
  it('classes every printableStatus so that errors stand out', () => {
    expect(statusClass('Running')).toBe('ok');
    for (const s of [
      'ErrImagePull',
      'ImagePullBackOff',
      'ErrorUnschedulable',
      'CrashLoopBackOff',
      'ErrorPvcNotFound',
      'DataVolumeError',
      'Unknown',
      'ErrorSomethingNew',
    ]) {
      expect(statusClass(s)).toBe('error');
    }
    for (const s of [
      'Starting',
      'Stopping',
      'Provisioning',
      'Migrating',
      'Terminating',
      'WaitingForVolumeBinding',
    ]) {
      expect(statusClass(s)).toBe('progress');
    }
    expect(statusClass('Paused')).toBe('paused');
    expect(statusClass('Stopped')).toBe('stopped');
    expect(statusFilterValues).toEqual(
      expect.arrayContaining([
        'Running',
        'Stopped',
        'Paused',
        'ErrorUnschedulable',
        'DataVolumeError',
        'Unknown',
      ]),
    );
  });

  it('shows one page from the broker, with links to VM pages, and pages on the server', async () => {
    const api = pagingApi(many);
    render(api);
    expect(
      await screen.findByText('Virtual machines (45)'),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'vm-00' })).toHaveAttribute(
      'href',
      '/virtual-machines/east/payments/vm-00',
    );
    expect(screen.queryByText('vm-20')).toBeNull();
    expect(api.listVms).toHaveBeenLastCalledWith(
      expect.objectContaining({
        kubernetesId: 'payments-api',
        offset: 0,
        limit: 20,
        sort: 'name',
        order: 'asc',
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('vm-20')).toBeInTheDocument();
    expect(api.listVms).toHaveBeenLastCalledWith(
      expect.objectContaining({ offset: 20, limit: 20 }),
    );
    expect(screen.queryByText('vm-00')).toBeNull();
  });

  it('reads the list again on Refresh', async () => {
    const api = pagingApi(many);
    render(api);
    await screen.findByText('vm-00');
    const calls = api.listVms.mock.calls.length;
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() =>
      expect(api.listVms.mock.calls.length).toBeGreaterThan(calls),
    );
  });

  it('keeps a row menu open while the list re-reads (live updates re-create the rows)', async () => {
    const api = pagingApi(many);
    render(api);
    await screen.findByText('vm-00');
    fireEvent.click(screen.getByRole('button', { name: 'Actions for vm-01' }));
    const item = await screen.findByRole('menuitem', { name: /^Snapshot/ });
    const calls = api.listVms.mock.calls.length;
    fireEvent.click(
      screen.getByRole('button', { name: 'Refresh', hidden: true }),
    );
    await waitFor(() =>
      expect(api.listVms.mock.calls.length).toBeGreaterThan(calls),
    );
    await new Promise(r => setTimeout(r, 100));
    expect(screen.getByRole('menuitem', { name: /^Snapshot/ })).toBe(item);
  });

  it('keeps a row menu dialog open while the list re-reads (live updates re-create the rows)', async () => {
    const api = pagingApi(many);
    render(api);
    await screen.findByText('vm-00');
    fireEvent.click(screen.getByRole('button', { name: 'Actions for vm-01' }));
    fireEvent.click(await screen.findByRole('menuitem', { name: /^Snapshot/ }));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByRole('heading', { name: 'Snapshot vm-01' }),
    ).toBeInTheDocument();
    const calls = api.listVms.mock.calls.length;
    // behind the modal dialog, as a signal's re-read happens
    fireEvent.click(
      screen.getByRole('button', { name: 'Refresh', hidden: true }),
    );
    await waitFor(() =>
      expect(api.listVms.mock.calls.length).toBeGreaterThan(calls),
    );
    await new Promise(r => setTimeout(r, 100));
    expect(screen.getByRole('dialog')).toBe(dialog);
  });

  it('keeps each row and its checkbox element across a re-read', async () => {
    const api = pagingApi(many);
    render(api);
    await screen.findByText('vm-00');
    const boxOf = (name: string) =>
      within(screen.getByText(name).closest('tr')!).getByRole('checkbox');
    const box = boxOf('vm-01');
    const calls = api.listVms.mock.calls.length;
    fireEvent.click(
      screen.getByRole('button', { name: 'Refresh', hidden: true }),
    );
    await waitFor(() =>
      expect(api.listVms.mock.calls.length).toBeGreaterThan(calls),
    );
    await new Promise(r => setTimeout(r, 100));
    // the same element: a click aimed at it while a live update re-reads the list still lands
    expect(boxOf('vm-01')).toBe(box);
    expect(boxOf('vm-02')).not.toBe(box);
    fireEvent.click(box);
    expect(boxOf('vm-01')).toBeChecked();
    expect(boxOf('vm-02')).not.toBeChecked();
  });

  it('sorts on the server when a header is clicked', async () => {
    const api = pagingApi(many);
    render(api);
    await screen.findByText('vm-00');
    fireEvent.click(within(screen.getAllByRole('table')[0]).getByText('Name'));
    await waitFor(() =>
      expect(api.listVms).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'name', order: 'desc' }),
      ),
    );
    expect(await screen.findByText('vm-44')).toBeInTheDocument();
  });

  it('filters by text, cluster and status on the server and starts again at the first page', async () => {
    const api = pagingApi([
      ...many,
      summary({ name: 'broken', status: 'ErrorUnschedulable' }),
      summary({ name: 'far', cluster: 'west' }),
    ]);
    render(api);
    await screen.findByText('vm-00');
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('vm-20');

    fireEvent.change(screen.getByLabelText('Search VMs'), {
      target: { value: 'vm-1' },
    });
    await waitFor(() =>
      expect(api.listVms).toHaveBeenLastCalledWith(
        expect.objectContaining({ text: 'vm-1', offset: 0 }),
      ),
    );
    expect(
      await screen.findByText('Virtual machines (10)'),
    ).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Search VMs'), {
      target: { value: '' },
    });

    fireEvent.mouseDown(screen.getByLabelText('Cluster'));
    fireEvent.click(await screen.findByRole('option', { name: 'West DC' }));
    await waitFor(() =>
      expect(api.listVms).toHaveBeenLastCalledWith(
        expect.objectContaining({ cluster: 'west' }),
      ),
    );
    expect(await screen.findByText('far')).toBeInTheDocument();
    fireEvent.mouseDown(screen.getByLabelText('Cluster'));
    fireEvent.click(
      await screen.findByRole('option', { name: 'All clusters' }),
    );

    fireEvent.mouseDown(screen.getByLabelText('Status'));
    fireEvent.click(
      await screen.findByRole('option', { name: 'ErrorUnschedulable' }),
    );
    await waitFor(() =>
      expect(api.listVms).toHaveBeenLastCalledWith(
        expect.objectContaining({
          status: ['ErrorUnschedulable'],
          cluster: undefined,
        }),
      ),
    );
    expect(await screen.findByText('broken')).toBeInTheDocument();
    expect(screen.getByText('Virtual machines (1)')).toBeInTheDocument();
  });

  it('says which clusters are down or not synced, and marks their rows, while the rest shows', async () => {
    const api = pagingApi(
      [summary({ name: 'here' }), summary({ name: 'old', cluster: 'west' })],
      [
        { name: 'east', state: 'synced' },
        {
          name: 'west',
          state: 'stale',
          staleSince: new Date().toISOString(),
          error: 'socket hang up',
        } as any,
        {
          name: 'north',
          state: 'not-synced',
          error: 'connect ECONNREFUSED',
        } as any,
      ],
    );
    render(api);
    expect(await screen.findByText('here')).toBeInTheDocument();
    expect(
      screen.getByText(/Cluster west is not answering/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Cluster north is not synced yet/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Cluster east/)).toBeNull();
    expect(screen.getByLabelText('cluster not answering')).toBeInTheDocument();
  });

  it('names a cluster the broker cannot use, with its problem', async () => {
    const api = pagingApi(
      [summary({ name: 'here' })],
      [
        { name: 'east', state: 'synced' },
        {
          name: 'gcp',
          state: 'not-synced',
          problem:
            "authProvider google calls the cluster with the signed-in user's Google OAuth token, which the broker does not hold",
        } as any,
      ],
    );
    render(api);
    expect(await screen.findByText('here')).toBeInTheDocument();
    expect(
      screen.getByText(
        /Cluster gcp cannot be used: the broker cannot reach it as configured/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Google OAuth token, which the broker does not hold/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Cluster gcp is not synced yet/)).toBeNull();
  });

  it('opens an action dialog from the row menu; a forbidden action names the role it needs', async () => {
    const api = {
      ...pagingApi([
        summary({
          allowedOperations: [
            'read',
            'start',
            'stop',
            'forceStop',
            'restart',
            'pause',
            'unpause',
          ],
        }),
      ]),
      act: jest.fn(),
      getVm: jest.fn(),
    };
    render(api);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Actions for db-0' }),
    );
    const migrate = await screen.findByRole('menuitem', { name: 'Migrate…' });
    expect(migrate).toHaveAttribute('aria-disabled', 'true');
    fireEvent.mouseOver(migrate.parentElement!);
    expect(
      await screen.findByText(/it needs vm-power-user/),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('menuitem', { name: 'Stop…' }));
    expect(await screen.findByRole('dialog')).toHaveTextContent('Stop db-0');
  });
});
