import { renderInTestApp, TestApiProvider } from '@backstage/frontend-test-utils';
import { VmSummary } from '@internal/plugin-kubevirt-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { kubevirtApiRef } from '../api';
import { statusClass } from './VmStatus';
import { ClusterWarnings, VmTable } from './VmTable';

const vm = (over: Partial<VmSummary>): VmSummary => ({
  cluster: 'east',
  namespace: 'payments',
  name: 'db-0',
  uid: 'u',
  status: 'Running',
  ready: true,
  ipAddresses: ['10.244.0.7'],
  labels: {},
  allowedOperations: ['read', 'start', 'stop', 'forceStop', 'restart', 'pause', 'unpause'],
  ...over,
});

describe('VmTable', () => {
  it('classes every printableStatus so that errors stand out', () => {
    expect(statusClass('Running')).toBe('ok');
    for (const s of ['ErrImagePull', 'ImagePullBackOff', 'ErrorUnschedulable', 'CrashLoopBackOff', 'ErrorPvcNotFound', 'DataVolumeError', 'Unknown']) {
      expect(statusClass(s)).toBe('error');
    }
    for (const s of ['Starting', 'Stopping', 'Provisioning', 'Migrating', 'Terminating', 'WaitingForVolumeBinding']) {
      expect(statusClass(s)).toBe('progress');
    }
    expect(statusClass('Paused')).toBe('paused');
    expect(statusClass('Stopped')).toBe('stopped');
  });

  it('renders rows and runs an allowed action, while a forbidden one names the role it needs', async () => {
    const act = jest.fn(async () => ({ accepted: true }));
    const onChange = jest.fn();
    await renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, { act } as any]]}>
        <VmTable title="VMs" vms={[vm({}), vm({ name: 'legacy', status: 'ErrorUnschedulable', ipAddresses: [] })]} onChange={onChange} />
      </TestApiProvider>,
    );
    expect(screen.getByText('db-0')).toBeInTheDocument();
    expect(screen.getByText('ErrorUnschedulable')).toBeInTheDocument();
    expect(screen.getByText('10.244.0.7')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Actions for db-0' }));
    const migrate = await screen.findByRole('menuitem', { name: 'Migrate' });
    expect(migrate).toHaveAttribute('aria-disabled', 'true');
    fireEvent.mouseOver(migrate.parentElement!);
    expect(await screen.findByText(/it needs vm-power-user/)).toBeInTheDocument();

    fireEvent.click(screen.getByRole('menuitem', { name: 'Stop' }));
    await waitFor(() => expect(act).toHaveBeenCalledWith(expect.objectContaining({ cluster: 'east', namespace: 'payments', name: 'db-0' }), 'stop'));
    await waitFor(() => expect(onChange).toHaveBeenCalled());
  });

  it('says which clusters are stale or not synced', async () => {
    await renderInTestApp(
      <ClusterWarnings
        clusters={[
          { name: 'east', state: 'synced', vmCount: 3 },
          { name: 'west', state: 'stale', staleSince: new Date().toISOString(), error: 'socket hang up' },
          { name: 'north', state: 'not-synced', error: 'connect ECONNREFUSED' },
        ]}
      />,
    );
    expect(screen.getByText(/Cluster west is not answering/)).toBeInTheDocument();
    expect(screen.getByText(/Cluster north is not synced yet/)).toBeInTheDocument();
    expect(screen.queryByText(/Cluster east/)).toBeNull();
  });
});
