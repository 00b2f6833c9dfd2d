import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  UnavailableOperations,
  VmDetail,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import {
  allOperations,
  brokerError,
  detail,
  fakeKubevirtApi,
} from '../../testing/fakeKubevirtApi';
import { MetricsTab } from '../metrics/MetricsTab';
import { DisksTab } from '../vm/DisksTab';
import { VmActionsMenu } from './VmActionsMenu';
import { VmToolbar } from './VmToolbar';

const SNAPSHOT = 'cluster prod-east has no Snapshot feature gate';
const HOTPLUG = 'cluster prod-east has no HotplugVolumes feature gate';

/** A VM on a cluster without the Snapshot and HotplugVolumes gates, as the broker describes it. */
const gated = (over: Partial<VmDetail['summary']> = {}) => {
  const unavailableOperations: UnavailableOperations = {
    snapshot: SNAPSHOT,
    restore: SNAPSHOT,
    addVolume: HOTPLUG,
    removeVolume: HOTPLUG,
  };
  return detail({
    status: 'Running',
    allowedOperations: allOperations.filter(op => !unavailableOperations[op]),
    unavailableOperations,
    ...over,
  });
};

const render = (node: JSX.Element, d: VmDetail) => {
  const fake = fakeKubevirtApi(d);
  renderInTestApp(
    <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
      {node}
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return fake;
};

describe('operations a cluster cannot perform', () => {
  it('are disabled in the toolbar with the cluster’s reason, not a role', async () => {
    const d = gated();
    render(
      <VmToolbar detail={d} onChange={jest.fn()} onDeleted={jest.fn()} />,
      d,
    );
    const toolbar = screen.getByRole('toolbar');
    const snapshot = within(toolbar).getByRole('button', { name: 'Snapshot' });
    expect(snapshot).toBeDisabled();
    fireEvent.mouseOver(snapshot.parentElement!);
    expect(
      await screen.findByText(`Not available: ${SNAPSHOT}`),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Your VM role/)).not.toBeInTheDocument();
    // what the cluster can do stays enabled
    expect(
      within(toolbar).getByRole('button', { name: 'Migrate' }),
    ).toBeEnabled();
  });

  it('are disabled in a row’s menu with the reason', async () => {
    const d = gated();
    const onChoose = jest.fn();
    render(
      <VmActionsMenu
        vm={d.summary}
        position={{ top: 0, left: 0 }}
        onClose={jest.fn()}
        onChoose={onChoose}
      />,
      d,
    );
    const item = await screen.findByRole('menuitem', { name: 'Snapshot…' });
    expect(item).toHaveAttribute('aria-disabled', 'true');
    fireEvent.mouseOver(item.parentElement!);
    expect(
      await screen.findByText(`Not available: ${SNAPSHOT}`),
    ).toBeInTheDocument();
    expect(screen.getByRole('menuitem', { name: 'Stop…' })).toHaveAttribute(
      'aria-disabled',
      'false',
    );
  });

  it('disables adding a disk on the Disks tab with the reason', async () => {
    const d = gated();
    const fake = render(<DisksTab detail={d} onChange={jest.fn()} />, d);
    const add = await screen.findByRole('button', { name: 'Add disk' });
    expect(add).toBeDisabled();
    fireEvent.mouseOver(add.parentElement!);
    expect(
      await screen.findByText(`Not available: ${HOTPLUG}`),
    ).toBeInTheDocument();
    expect(fake.api.addVolume).not.toHaveBeenCalled();
  });
});

describe('the Metrics tab of a cluster whose Prometheus does not answer', () => {
  it('says no Prometheus is reachable for the cluster instead of an error', async () => {
    const d = detail();
    const fake = fakeKubevirtApi(d);
    fake.api.getVmMetrics.mockRejectedValue(
      brokerError(
        503,
        'ServiceUnavailableError',
        'Metrics of virtual machine payments/db-0 on cluster east: Prometheus at https://p answered connect ECONNREFUSED',
      ),
    );
    renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
        <MetricsTab detail={d} />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('No Prometheus reachable for cluster east'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Metrics could not be read')).toBeNull();
  });
});
