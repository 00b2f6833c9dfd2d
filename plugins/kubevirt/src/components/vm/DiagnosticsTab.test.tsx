import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import { diagnosticsFixture } from '../../testing/diagnosticsFixture';
import {
  brokerError,
  detail,
  fakeKubevirtApi,
} from '../../testing/fakeKubevirtApi';
import { DiagnosticsTab } from './DiagnosticsTab';

function renderTab(d = detail()) {
  const fake = fakeKubevirtApi(d);
  renderInTestApp(
    <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
      <DiagnosticsTab detail={d} />
    </TestApiProvider>,
  );
  return fake;
}

describe('DiagnosticsTab', () => {
  it("shows the guest's hostname, OS, kernel, timezone, users and file systems with usage", async () => {
    const fake = renderTab();
    expect(await screen.findByText('db-0.payments')).toBeInTheDocument();
    expect(fake.api.getVmDiagnostics).toHaveBeenCalledWith(
      expect.objectContaining({
        cluster: 'east',
        namespace: 'payments',
        name: 'db-0',
      }),
    );
    expect(
      screen.getByText('Fedora Linux 41 (Cloud Edition)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('6.11.4-301.fc41.x86_64 #1 SMP PREEMPT_DYNAMIC'),
    ).toBeInTheDocument();
    // "<zone>, <offset in seconds>" as an offset a reader knows
    expect(screen.getByText('Europe/Berlin (UTC+01:00)')).toBeInTheDocument();
    expect(screen.getByText('Connected (version 9.0.0)')).toBeInTheDocument();

    const users = screen.getByRole('table', { name: 'Logged-in users' });
    expect(within(users).getByText('fedora')).toBeInTheDocument();

    const fs = screen.getByRole('table', { name: 'File systems' });
    const rows = within(fs).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['/', '/boot']);
    expect(
      within(rows[0]).getByText('29.0 GiB of 30.0 GiB used (97%)'),
    ).toBeInTheDocument();
    expect(
      within(rows[0]).getByRole('progressbar', { name: '/ usage' }),
    ).toHaveAttribute('aria-valuenow', '97');
    expect(
      within(rows[1]).getByText('256 MiB of 1.0 GiB used (25%)'),
    ).toBeInTheDocument();
  });

  it('says why there is nothing when the guest agent is not connected, with KubeVirt’s words', async () => {
    const fake = fakeKubevirtApi(detail());
    fake.api.getVmDiagnostics.mockResolvedValueOnce({
      agent: 'not-connected',
      reason:
        'The QEMU guest agent in this VM does not answer: it is not installed in the guest (qemu-guest-agent) or the guest has not finished booting.',
      clusterMessage:
        'Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "db-0": VMI does not have guest agent connected',
      users: [],
      filesystems: [],
    });
    renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
        <DiagnosticsTab detail={detail()} />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('The guest agent is not connected'),
    ).toBeInTheDocument();
    expect(screen.getByText(/not installed in the guest/)).toBeInTheDocument();
    expect(
      screen.getByText(/KubeVirt: .*VMI does not have guest agent connected/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();

    // Refresh asks again: the agent came up
    fake.api.getVmDiagnostics.mockResolvedValueOnce(diagnosticsFixture(true));
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText('db-0.payments')).toBeInTheDocument();
    expect(fake.api.getVmDiagnostics).toHaveBeenCalledTimes(2);
  });

  it('says a stopped VM is not running', async () => {
    renderTab(detail({ status: 'Stopped', node: undefined, ipAddresses: [] }));
    expect(
      await screen.findByText('The VM is not running'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'The VM is not running (Stopped): only a running guest can report.',
      ),
    ).toBeInTheDocument();
  });

  it('shows the broker’s error when it could not ask', async () => {
    const fake = fakeKubevirtApi(detail());
    fake.api.getVmDiagnostics.mockRejectedValueOnce(
      brokerError(
        503,
        'ServiceUnavailableError',
        'Virtual machine payments/db-0 on cluster east: the cluster did not answer',
      ),
    );
    renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
        <DiagnosticsTab detail={detail()} />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(/Guest diagnostics could not be read/),
    ).toBeInTheDocument();
    expect(screen.getByText(/the cluster did not answer/)).toBeInTheDocument();
  });

  it('names the role it needs when the caller may not read it, and never asks', async () => {
    const fake = renderTab(detail({ allowedOperations: [] }));
    await waitFor(() =>
      expect(
        screen.getByText('No access to guest diagnostics'),
      ).toBeInTheDocument(),
    );
    expect(
      screen.getByText(
        'Your VM role does not allow diagnostics on this VM; it needs vm-viewer',
      ),
    ).toBeInTheDocument();
    expect(fake.api.getVmDiagnostics).not.toHaveBeenCalled();
  });
});
