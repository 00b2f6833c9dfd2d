import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  vmReadPermission,
  weakestRoleFor,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import {
  allOperations,
  brokerError,
  detail,
  fakeKubevirtApi,
} from '../../testing/fakeKubevirtApi';
import { metricsFixture } from '../../testing/metricsFixture';
import { MetricsTab } from './MetricsTab';

function renderTab(d = detail()) {
  const fake = fakeKubevirtApi(d);
  renderInTestApp(
    <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
      <MetricsTab detail={d} />
    </TestApiProvider>,
  );
  return fake;
}

const ref = { cluster: 'east', namespace: 'payments', name: 'db-0' };

describe('MetricsTab', () => {
  afterEach(() => jest.useRealTimers());

  it('charts CPU, memory, network and storage of the last hour with the latest values', async () => {
    const fake = renderTab();
    const cpu = await screen.findByRole('figure', { name: 'CPU chart' });
    expect(fake.api.getVmMetrics).toHaveBeenCalledWith(
      expect.objectContaining(ref),
      { range: '1h' },
    );
    const last = metricsFixture(ref).series[0].points.at(-1)!.v;
    expect(within(cpu).getByTestId('latest-CPU-used')).toHaveTextContent(
      `${last.toFixed(2)} cores`,
    );
    // 61 points: one move and 60 line segments
    expect(
      within(cpu).getByTestId('line-CPU-used').getAttribute('d')!.match(/L/g),
    ).toHaveLength(60);
    expect(
      within(screen.getByRole('figure', { name: 'Memory chart' })).getByTestId(
        'latest-Memory-used',
      ),
    ).toHaveTextContent('1.5 GiB');
    const network = screen.getByRole('figure', { name: 'Network chart' });
    expect(
      within(network).getByTestId('latest-Network-received'),
    ).toHaveTextContent('received 2.1 KiB/s');
    expect(
      within(network).getByTestId('latest-Network-sent'),
    ).toHaveTextContent('sent 512 B/s');
    const storage = screen.getByRole('figure', { name: 'Storage chart' });
    expect(
      within(storage).getByTestId('latest-Storage-written'),
    ).toHaveTextContent('written 8.0 KiB/s');
  });

  it('refreshes while open, so a started VM shows its CPU', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const fake = fakeKubevirtApi(detail());
    fake.api.getVmMetrics
      .mockResolvedValueOnce(metricsFixture(ref, { empty: true }))
      .mockResolvedValueOnce(metricsFixture(ref, { cpuScale: 4 }));
    renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
        <MetricsTab detail={detail()} />
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('latest-CPU-used')).toHaveTextContent('—');
    await act(async () => {
      jest.advanceTimersByTime(30_000);
    });
    const last = metricsFixture(ref, { cpuScale: 4 }).series[0].points.at(
      -1,
    )!.v;
    await waitFor(() =>
      expect(screen.getByTestId('latest-CPU-used')).toHaveTextContent(
        `${last.toFixed(2)} cores`,
      ),
    );
    expect(fake.api.getVmMetrics).toHaveBeenCalledTimes(2);
  });

  it('shows an empty chart for a stopped VM', async () => {
    renderTab(detail({ status: 'Stopped' }));
    const cpu = await screen.findByRole('figure', { name: 'CPU chart' });
    expect(
      within(cpu).getByText('No data in this range (the VM was not running)'),
    ).toBeInTheDocument();
    expect(within(cpu).getByTestId('latest-CPU-used')).toHaveTextContent('—');
  });

  it('asks for another range', async () => {
    const fake = renderTab();
    await screen.findByRole('figure', { name: 'CPU chart' });
    fireEvent.mouseDown(screen.getByLabelText('Range'));
    fireEvent.click(
      await screen.findByRole('option', { name: 'Last 6 hours' }),
    );
    await waitFor(() =>
      expect(fake.api.getVmMetrics).toHaveBeenLastCalledWith(
        expect.objectContaining(ref),
        { range: '6h' },
      ),
    );
  });

  it('says how to configure Prometheus when the cluster has none', async () => {
    const fake = fakeKubevirtApi(detail());
    fake.api.getVmMetrics.mockRejectedValue(
      brokerError(
        501,
        'NotImplementedError',
        'No Prometheus is configured for cluster east',
      ),
    );
    renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
        <MetricsTab detail={detail()} />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Metrics are not configured for cluster east'),
    ).toBeInTheDocument();
    // the code snippet renders once its lazily loaded highlighter is there, split into token spans
    await waitFor(() =>
      expect(document.body.textContent).toMatch(
        /kubevirt:\s*prometheus:\s*east:\s*url:/,
      ),
    );
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
  });

  it('shows the broker error when Prometheus fails', async () => {
    const fake = fakeKubevirtApi(detail());
    fake.api.getVmMetrics.mockRejectedValue(
      brokerError(
        503,
        'ServiceUnavailableError',
        'Metrics of virtual machine payments/db-0 on cluster east: Prometheus at https://p answered HTTP 502',
      ),
    );
    renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
        <MetricsTab detail={detail()} />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(/Prometheus at https:\/\/p answered HTTP 502/),
    ).toBeInTheDocument();
  });

  it('is closed with the role it needs to a user who may not read the VM', async () => {
    const fake = renderTab(
      detail({ allowedOperations: allOperations.filter(o => o !== 'read') }),
    );
    expect(
      await screen.findByText(
        `Your VM role does not allow read on this VM; it needs ${weakestRoleFor(
          vmReadPermission,
        )}`,
      ),
    ).toBeInTheDocument();
    expect(fake.api.getVmMetrics).not.toHaveBeenCalled();
  });
});
