import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import {
  brokerError,
  detail,
  fakeKubevirtApi,
} from '../../testing/fakeKubevirtApi';
import { NodeMaintenanceButton } from './NodeMaintenanceDialog';

function renderButton(fake = fakeKubevirtApi(detail())) {
  renderInTestApp(
    <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
      <NodeMaintenanceButton cluster="east" node="node-a" />
    </TestApiProvider>,
  );
  return fake;
}

describe('NodeMaintenanceButton', () => {
  it('turns maintenance on, follows the node until it holds no VMs, and turns it off', async () => {
    const fake = renderButton();
    const button = await screen.findByRole('button', { name: 'Maintenance' });
    await waitFor(() => expect(button).toBeEnabled());
    fireEvent.click(button);
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText('node-a is not in maintenance.'),
    ).toBeInTheDocument();
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Turn maintenance on' }),
    );
    await waitFor(() =>
      expect(fake.api.startNodeMaintenance).toHaveBeenCalledWith(
        'east',
        'node-a',
      ),
    );
    const vms = await within(dialog).findByRole('table', {
      name: 'VMs on the node',
    });
    expect(within(vms).getByText('payments/db-0')).toBeInTheDocument();
    expect(within(vms).getByText('Migrating')).toBeInTheDocument();
    // the dialog reads the node again until it is empty
    expect(
      await within(dialog).findByText(
        'node-a is in maintenance and holds no VMs.',
        {},
        { timeout: 8000 },
      ),
    ).toBeInTheDocument();
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Turn maintenance off' }),
    );
    await waitFor(() =>
      expect(fake.api.stopNodeMaintenance).toHaveBeenCalledWith(
        'east',
        'node-a',
      ),
    );
    expect(
      await within(dialog).findByText('node-a is not in maintenance.'),
    ).toBeInTheDocument();
  });

  it('shows why maintenance failed, in the broker’s words (the broker lacking the right)', async () => {
    const fake = fakeKubevirtApi(detail());
    fake.api.startNodeMaintenance.mockRejectedValueOnce(
      brokerError(
        403,
        'NotAllowedError',
        'The broker\'s service account may not patch nodes on cluster east: node maintenance needs the right "patch" on "nodes"',
      ),
    );
    renderButton(fake);
    const button = await screen.findByRole('button', { name: 'Maintenance' });
    await waitFor(() => expect(button).toBeEnabled());
    fireEvent.click(button);
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(
      await within(dialog).findByRole('button', {
        name: 'Turn maintenance on',
      }),
    );
    expect(
      await within(dialog).findByText(
        /Turning maintenance on for node-a failed: Not allowed: The broker's service account may not patch nodes/,
      ),
    ).toBeInTheDocument();
  });

  it('is disabled with the role it needs when the broker refuses the caller', async () => {
    const fake = fakeKubevirtApi(detail());
    fake.api.getNodeMaintenance.mockRejectedValue(
      brokerError(
        403,
        'NotAllowedError',
        'You may not put nodes of cluster east into maintenance',
      ),
    );
    renderButton(fake);
    const button = await screen.findByRole('button', { name: 'Maintenance' });
    await waitFor(() => expect(fake.api.getNodeMaintenance).toHaveBeenCalled());
    await waitFor(() => expect(button).toBeDisabled());
    fireEvent.mouseOver(button.parentElement!);
    expect(
      await screen.findByText(
        'Your VM role does not allow node maintenance; it needs vm-admin on every VM',
      ),
    ).toBeInTheDocument();
  });
});
