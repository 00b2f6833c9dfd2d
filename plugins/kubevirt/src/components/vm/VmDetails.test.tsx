import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import {
  brokerError,
  detail,
  fakeKubevirtApi,
} from '../../testing/fakeKubevirtApi';
import { VmDetails } from './VmDetails';

const ref = { cluster: 'east', namespace: 'payments', name: 'db-0' };

function renderVm(d = detail()) {
  const fake = fakeKubevirtApi(d);
  renderInTestApp(
    <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
      <VmDetails vmRef={ref} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return fake;
}

const openTab = async (name: string) => {
  fireEvent.click(await screen.findByRole('tab', { name }));
  return screen.getByRole('tabpanel');
};

describe('VmDetails', () => {
  it('shows the overview: status, guest OS, IPs, node, sizing, run strategy, owner component and conditions', async () => {
    renderVm();
    expect(
      await screen.findByRole('heading', { name: 'db-0' }),
    ).toBeInTheDocument();
    const panel = screen.getByRole('tabpanel');
    expect(within(panel).getByText('Fedora Linux 41')).toBeInTheDocument();
    expect(within(panel).getByText('10.244.0.7')).toBeInTheDocument();
    expect(within(panel).getByText('node-a')).toBeInTheDocument();
    expect(within(panel).getByText('u1.large')).toBeInTheDocument();
    expect(within(panel).getByText('8Gi')).toBeInTheDocument();
    expect(within(panel).getByText('Always')).toBeInTheDocument();
    expect(
      within(panel).getByRole('link', { name: /payments-api/ }),
    ).toHaveAttribute('href', '/catalog/default/component/payments-api');
    expect(
      within(screen.getByRole('table', { name: 'Conditions' })).getByText(
        'Ready',
      ),
    ).toBeInTheDocument();
  });

  it('has tabs for disks, NICs, snapshots, events, YAML, console, metrics and guest diagnostics', async () => {
    renderVm();
    expect(await openTab('Disks')).toHaveTextContent(
      'quay.io/containerdisks/fedora:41',
    );
    const nics = await openTab('Network interfaces');
    expect(nics).toHaveTextContent('02:00:00:aa:bb:cc');
    expect(nics).toHaveTextContent('masquerade');
    expect(nics).toHaveTextContent('Pod network');
    expect(await openTab('Snapshots')).toHaveTextContent('No snapshots yet.');
    const events = await openTab('Events');
    expect(events).toHaveTextContent('FailedScheduling');
    expect(events).toHaveTextContent('0/3 nodes are available');
    const yamlTab = await openTab('YAML');
    await waitFor(() =>
      expect(yamlTab).toHaveTextContent('kind: VirtualMachine'),
    );
    expect(await openTab('Console')).toHaveTextContent(
      'Connect Serial console',
    );
    const metrics = await openTab('Metrics');
    await waitFor(() => expect(metrics).toHaveTextContent('CPU'));
    const diagnostics = await openTab('Diagnostics');
    await waitFor(() => expect(diagnostics).toHaveTextContent('db-0.payments'));
  });

  it('hot-plugs a disk and removes it again, each with progress until the cluster shows it', async () => {
    const fake = renderVm();
    await openTab('Disks');
    fireEvent.click(screen.getByRole('button', { name: 'Add disk' }));
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Disk name'), {
      target: { value: 'data1' },
    });
    fireEvent.change(within(dialog).getByLabelText('Size'), {
      target: { value: '20Gi' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add disk' }));
    await waitFor(() =>
      expect(fake.api.addVolume).toHaveBeenCalledWith(
        expect.objectContaining(ref),
        { name: 'data1', bus: 'scsi', size: '20Gi' },
      ),
    );
    expect(
      await within(dialog).findByText('Done: disk data1 is attached.'),
    ).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    fireEvent.click(
      await screen.findByRole('button', { name: 'Remove disk data1' }),
    );
    const remove = screen.getByRole('dialog');
    fireEvent.change(
      within(remove).getByLabelText('Type the name to confirm'),
      { target: { value: 'data1' } },
    );
    fireEvent.click(
      within(remove).getByRole('button', { name: 'Remove disk' }),
    );
    await waitFor(() =>
      expect(fake.api.removeVolume).toHaveBeenCalledWith(
        expect.objectContaining(ref),
        'data1',
      ),
    );
    expect(
      await within(remove).findByText('Done: disk data1 is removed.'),
    ).toBeInTheDocument();
  });

  it('takes, restores and deletes snapshots from the Snapshots tab', async () => {
    const fake = renderVm(
      detail(
        { status: 'Stopped' },
        {
          snapshots: [
            { name: 'nightly', readyToUse: true, indications: [] },
            {
              name: 'running-one',
              readyToUse: false,
              phase: 'InProgress',
              indications: [],
            },
          ],
        },
      ),
    );
    const panel = await openTab('Snapshots');
    expect(
      within(panel).getByLabelText('Snapshot running-one in progress'),
    ).toBeInTheDocument();
    expect(
      within(panel).getByRole('button', { name: 'Restore running-one' }),
    ).toBeDisabled();

    fireEvent.click(
      within(panel).getByRole('button', { name: 'Restore nightly' }),
    );
    let dialog = screen.getByRole('dialog');
    fireEvent.change(
      within(dialog).getByLabelText('Type the VM name to confirm'),
      { target: { value: 'db-0' } },
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore' }));
    await waitFor(() =>
      expect(fake.api.restoreSnapshot).toHaveBeenCalledWith(
        expect.objectContaining(ref),
        { snapshot: 'nightly' },
      ),
    );
    expect(
      await within(dialog).findByText(
        'Done: the restore of nightly is complete.',
      ),
    ).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));

    fireEvent.click(
      within(screen.getByRole('tabpanel')).getByRole('button', {
        name: 'Take snapshot',
      }),
    );
    dialog = screen.getByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Snapshot' }));
    await waitFor(() =>
      expect(fake.api.createSnapshot).toHaveBeenCalledWith(
        expect.objectContaining(ref),
        { name: expect.stringMatching(/^db-0-\d{8}-\d{6}$/) },
      ),
    );
    expect(
      await within(dialog).findByText(
        /^Done: snapshot db-0-\d{8}-\d{6} is ready to use\.$/,
      ),
    ).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));

    fireEvent.click(
      within(screen.getByRole('tabpanel')).getByRole('button', {
        name: 'Delete nightly',
      }),
    );
    dialog = screen.getByRole('dialog');
    fireEvent.change(
      within(dialog).getByLabelText('Type the name to confirm'),
      { target: { value: 'nightly' } },
    );
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Delete snapshot' }),
    );
    await waitFor(() =>
      expect(fake.api.deleteSnapshot).toHaveBeenCalledWith(
        expect.objectContaining(ref),
        'nightly',
      ),
    );
    expect(
      await within(dialog).findByText('Done: snapshot nightly is deleted.'),
    ).toBeInTheDocument();
  });

  it('saves edited YAML with the resourceVersion it was read at', async () => {
    const fake = renderVm();
    await openTab('YAML');
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const editor = screen.getByLabelText('VM YAML') as HTMLTextAreaElement;
    fireEvent.change(editor, {
      target: {
        value: editor.value.replace(
          'runStrategy: Always',
          'runStrategy: Manual',
        ),
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.api.updateVm).toHaveBeenCalled());
    const [, request] = fake.api.updateVm.mock.calls[0] as any[];
    expect(request.manifest.metadata.resourceVersion).toBe('100');
    expect(request.manifest.spec.runStrategy).toBe('Manual');
    expect(request.manifest.status).toBeUndefined();
    expect(request.manifest.metadata.managedFields).toBeUndefined();
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
  });

  it('on a stale save (409) shows what changed in the cluster and reloads the current version', async () => {
    const fake = renderVm();
    const current = {
      ...(fake.current().vm as any),
      metadata: {
        ...(fake.current().vm as any).metadata,
        resourceVersion: '107',
        labels: { tier: 'gold' },
      },
    };
    fake.api.updateVm.mockRejectedValueOnce(
      brokerError(
        409,
        'ConflictError',
        'Virtual machine payments/db-0 on cluster east changed since you read it (you sent resourceVersion 100, it is now 107)',
        {
          currentResourceVersion: '107',
          current,
        },
      ),
    );
    await openTab('YAML');
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const editor = screen.getByLabelText('VM YAML') as HTMLTextAreaElement;
    fireEvent.change(editor, {
      target: {
        value: editor.value.replace(
          'runStrategy: Always',
          'runStrategy: Halted',
        ),
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(
      await screen.findByText(/changed since you read it/),
    ).toBeInTheDocument();
    const diff = screen.getByLabelText('Changes');
    const removed = [...diff.querySelectorAll('[data-diff="removed"]')].map(
      e => e.textContent,
    );
    const added = [...diff.querySelectorAll('[data-diff="added"]')].map(
      e => e.textContent,
    );
    expect(removed).toEqual(
      expect.arrayContaining([
        expect.stringContaining('resourceVersion: "100"'),
      ]),
    );
    expect(added).toEqual(
      expect.arrayContaining([
        expect.stringContaining('resourceVersion: "107"'),
        expect.stringContaining('tier: gold'),
      ]),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    const reloaded = screen.getByLabelText('VM YAML') as HTMLTextAreaElement;
    expect(reloaded.value).toContain('resourceVersion: "107"');
    expect(reloaded.value).toContain('runStrategy: Always');
    expect(screen.queryByLabelText('Changes')).toBeNull();
  });

  it('says so when the VM is not there', async () => {
    renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, fakeKubevirtApi(detail()).api]]}>
        <VmDetails vmRef={{ ...ref, name: 'ghost' }} />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(
        /Virtual machine payments\/ghost is not on cluster east/,
      ),
    ).toBeInTheDocument();
  });
});
