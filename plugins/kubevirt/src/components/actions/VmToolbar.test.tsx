import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { VmDetail } from '@kubevirt-backstage/plugin-kubevirt-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import {
  brokerError,
  detail,
  fakeKubevirtApi,
} from '../../testing/fakeKubevirtApi';
import { VmToolbar } from './VmToolbar';

function renderToolbar(d: VmDetail) {
  const fake = fakeKubevirtApi(d);
  const onChange = jest.fn();
  const onDeleted = jest.fn();
  renderInTestApp(
    <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
      <VmToolbar detail={d} onChange={onChange} onDeleted={onDeleted} />
    </TestApiProvider>,
  );
  return { ...fake, onChange, onDeleted };
}

const button = (name: string) =>
  within(screen.getByRole('toolbar')).getByRole('button', { name });
const dialog = () => screen.getByRole('dialog');
const confirm = (label: string) =>
  fireEvent.click(within(dialog()).getByRole('button', { name: label }));

async function expectDone(text: RegExp) {
  expect(await within(dialog()).findByText(text)).toHaveTextContent(/^Done: /);
}

describe('VmToolbar', () => {
  it.each([
    ['Start', 'Stopped', 'start', /^Done: db-0 is Running\.$/],
    ['Stop', 'Running', 'stop', /^Done: db-0 is Stopped\.$/],
    ['Pause', 'Running', 'pause', /^Done: db-0 is Paused/],
    ['Unpause', 'Paused', 'unpause', /^Done: db-0 is Running\.$/],
  ])(
    '%s on a %s VM calls act(%s) and follows the VM until the new state',
    async (label, status, action, done) => {
      const fake = renderToolbar(detail({ status }));
      fireEvent.click(button(label));
      confirm(label);
      await waitFor(() =>
        expect(fake.api.act).toHaveBeenCalledWith(
          expect.objectContaining({
            cluster: 'east',
            namespace: 'payments',
            name: 'db-0',
          }),
          action,
        ),
      );
      await expectDone(done);
    },
  );

  it('restart waits for a new instance, not just Running', async () => {
    const fake = renderToolbar(detail({ status: 'Running' }));
    fireEvent.click(button('Restart'));
    confirm('Restart');
    await waitFor(() =>
      expect(fake.api.act).toHaveBeenCalledWith(expect.anything(), 'restart'),
    );
    await expectDone(/Done: db-0 runs again with a new instance/);
  });

  it('soft reboot calls act(softReboot) on a running VM and reports the guest rebooting', async () => {
    const fake = renderToolbar(detail({ status: 'Running' }));
    fireEvent.click(button('Soft reboot'));
    confirm('Soft reboot');
    await waitFor(() =>
      expect(fake.api.act).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'db-0' }),
        'softReboot',
      ),
    );
    await expectDone(/Done: db-0's guest is rebooting/);
  });

  it.each([
    [
      'a paused VM',
      { status: 'Paused' },
      'The VM is Paused; this needs it Running',
    ],
    [
      'a vm-viewer',
      { status: 'Running', allowedOperations: ['read' as const] },
      'Your VM role does not allow softReboot on this VM; it needs vm-user',
    ],
  ])('soft reboot is disabled for %s, saying why', async (_what, over, why) => {
    renderToolbar(detail(over));
    expect(button('Soft reboot')).toBeDisabled();
    fireEvent.mouseOver(button('Soft reboot').parentElement!);
    expect(await screen.findByText(why)).toBeInTheDocument();
  });

  it('migrate waits for its migration to succeed', async () => {
    const fake = renderToolbar(detail({ status: 'Running' }));
    fireEvent.click(button('Migrate'));
    confirm('Migrate');
    await waitFor(() =>
      expect(fake.api.act).toHaveBeenCalledWith(expect.anything(), 'migrate'),
    );
    await expectDone(/Done: db-0 is migrated/);
  });

  it('cancel migration shows only while a migration runs and calls cancelMigration', async () => {
    const fake = renderToolbar(
      detail(
        { status: 'Migrating' },
        { migrations: [{ name: 'mig-1', phase: 'Running', active: true }] },
      ),
    );
    fireEvent.click(button('Cancel migration'));
    confirm('Cancel migration');
    await waitFor(() =>
      expect(fake.api.cancelMigration).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'db-0' }),
      ),
    );
    await expectDone(/Done: no migration of db-0 is in progress/);
  });

  it('force stop asks for the VM name before it calls act(forceStop)', async () => {
    const fake = renderToolbar(detail({ status: 'Running' }));
    fireEvent.click(button('Force stop'));
    const go = within(dialog()).getByRole('button', { name: 'Force stop' });
    expect(go).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Type the VM name to confirm'), {
      target: { value: 'db-' },
    });
    expect(go).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Type the VM name to confirm'), {
      target: { value: 'db-0' },
    });
    expect(go).toBeEnabled();
    fireEvent.click(go);
    await waitFor(() =>
      expect(fake.api.act).toHaveBeenCalledWith(expect.anything(), 'forceStop'),
    );
    await expectDone(/^Done: db-0 is Stopped\.$/);
  });

  it('delete asks for the VM name, calls deleteVm and waits until the VM is gone', async () => {
    const fake = renderToolbar(detail({ status: 'Stopped' }));
    fireEvent.click(button('Delete'));
    expect(
      within(dialog()).getByRole('button', { name: 'Delete' }),
    ).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Type the VM name to confirm'), {
      target: { value: 'db-0' },
    });
    confirm('Delete');
    await waitFor(() =>
      expect(fake.api.deleteVm).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'db-0' }),
      ),
    );
    await expectDone(/Done: db-0 is deleted/);
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Close' }));
    expect(fake.onDeleted).toHaveBeenCalled();
  });

  it('snapshot takes the name typed and waits until it is ready to use', async () => {
    const fake = renderToolbar(detail({ status: 'Running' }));
    fireEvent.click(button('Snapshot'));
    const name = within(dialog()).getByLabelText('Snapshot name');
    fireEvent.change(name, { target: { value: 'Bad_Name' } });
    expect(
      within(dialog()).getByRole('button', { name: 'Snapshot' }),
    ).toBeDisabled();
    fireEvent.change(name, { target: { value: 'before-upgrade' } });
    confirm('Snapshot');
    await waitFor(() =>
      expect(fake.api.createSnapshot).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'db-0' }),
        { name: 'before-upgrade' },
      ),
    );
    await expectDone(/Done: snapshot before-upgrade is ready to use/);
  });

  it('restore needs a stopped VM with a ready snapshot, the typed name, and calls restoreSnapshot', async () => {
    const snapshots = [
      { name: 'snap-a', readyToUse: true, indications: [] },
      { name: 'snap-b', readyToUse: false, indications: [] },
    ];
    const fake = renderToolbar(detail({ status: 'Stopped' }, { snapshots }));
    fireEvent.click(button('Restore'));
    fireEvent.change(screen.getByLabelText('Type the VM name to confirm'), {
      target: { value: 'db-0' },
    });
    confirm('Restore');
    await waitFor(() =>
      expect(fake.api.restoreSnapshot).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'db-0' }),
        { snapshot: 'snap-a' },
      ),
    );
    await expectDone(/Done: the restore of snap-a is complete/);
  });

  it('restore is disabled on a running VM and says why', async () => {
    renderToolbar(
      detail(
        { status: 'Running' },
        { snapshots: [{ name: 'snap-a', readyToUse: true, indications: [] }] },
      ),
    );
    expect(button('Restore')).toBeDisabled();
    fireEvent.mouseOver(button('Restore').parentElement!);
    expect(
      await screen.findByText(/this needs it Stopped/),
    ).toBeInTheDocument();
  });

  it('clone creates the target name and waits until the new VM exists', async () => {
    const fake = renderToolbar(detail({ status: 'Running' }));
    fireEvent.click(button('Clone'));
    fireEvent.change(within(dialog()).getByLabelText('Name of the new VM'), {
      target: { value: 'db-0-copy' },
    });
    confirm('Clone');
    await waitFor(() =>
      expect(fake.api.cloneVm).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'db-0' }),
        { targetName: 'db-0-copy' },
      ),
    );
    await expectDone(/Done: db-0-copy exists/);
  });

  it("says the broker's error in words", async () => {
    const fake = renderToolbar(detail({ status: 'Stopped' }));
    fake.api.act.mockRejectedValueOnce(
      brokerError(
        409,
        'ConflictError',
        'Virtual machine payments/db-0 on cluster east: VM is already running',
      ),
    );
    fireEvent.click(button('Start'));
    confirm('Start');
    expect(
      await within(dialog()).findByText(
        'Start of db-0 failed: Virtual machine payments/db-0 on cluster east: VM is already running',
      ),
    ).toBeInTheDocument();
  });

  it('a viewer sees every action disabled, each naming the role that would allow it', async () => {
    const fake = renderToolbar(
      detail({ status: 'Running', allowedOperations: ['read'] }),
    );
    for (const label of [
      'Start',
      'Stop',
      'Restart',
      'Pause',
      'Migrate',
      'Snapshot',
      'Restore',
      'Clone',
      'Force stop',
      'Delete',
    ]) {
      expect(button(label)).toBeDisabled();
    }
    fireEvent.mouseOver(button('Stop').parentElement!);
    expect(
      await screen.findByText(
        'Your VM role does not allow stop on this VM; it needs vm-user',
      ),
    ).toBeInTheDocument();
    fireEvent.mouseOver(button('Migrate').parentElement!);
    expect(
      await screen.findByText(
        'Your VM role does not allow migrate on this VM; it needs vm-power-user',
      ),
    ).toBeInTheDocument();
    fireEvent.mouseOver(button('Delete').parentElement!);
    expect(
      await screen.findByText(
        'Your VM role does not allow delete on this VM; it needs vm-admin',
      ),
    ).toBeInTheDocument();
    expect(fake.api.act).not.toHaveBeenCalled();
  });

  it('a vm-user may stop but not migrate', () => {
    renderToolbar(
      detail({
        status: 'Running',
        allowedOperations: [
          'read',
          'start',
          'stop',
          'forceStop',
          'restart',
          'pause',
          'unpause',
          'snapshot',
          'restore',
          'update',
        ],
      }),
    );
    expect(button('Stop')).toBeEnabled();
    expect(button('Migrate')).toBeDisabled();
    expect(button('Clone')).toBeDisabled();
  });
});
