import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import { detail, fakeKubevirtApi } from '../../testing/fakeKubevirtApi';
import { VmStatus } from '../VmStatus';
import { VmActionsMenu } from './VmActionsMenu';
import { VmToolbar } from './VmToolbar';

/**
 * A VM the broker deleted in the foreground stays, Terminating, until its
 * instance and disks are gone (KubeVirt's printableStatus): the page, the
 * entity tab (both the toolbar) and the list (its status and row menu) show
 * it so and offer nothing to do with it.
 */
describe('a VM being deleted', () => {
  const terminating = detail({
    status: 'Terminating',
    allowedOperations: [
      'start',
      'stop',
      'restart',
      'snapshot',
      'clone',
      'forceStop',
      'delete',
    ],
  });

  it('disables every toolbar action and says why, whatever the role allows', async () => {
    const fake = fakeKubevirtApi(terminating);
    await renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
        <VmToolbar
          detail={terminating}
          onChange={jest.fn()}
          onDeleted={jest.fn()}
        />
      </TestApiProvider>,
    );
    const toolbar = screen.getByRole('toolbar');
    for (const label of [
      'Start',
      'Stop',
      'Restart',
      'Snapshot',
      'Clone',
      'Force stop',
      'Delete',
    ])
      expect(
        within(toolbar).getByRole('button', { name: label }),
      ).toBeDisabled();
    fireEvent.mouseOver(
      within(toolbar).getByRole('button', { name: 'Delete' }).parentElement!,
    );
    expect(
      await screen.findByText(
        /The VM is being deleted; it stays listed until its instance and disks are gone/,
      ),
    ).toBeInTheDocument();
  });

  it('in the list: the status reads Terminating and the row menu offers only disabled items with the reason', async () => {
    await renderInTestApp(
      <>
        <VmStatus status="Terminating" />
        <VmActionsMenu
          vm={terminating.summary}
          position={{ top: 0, left: 0 }}
          onClose={jest.fn()}
          onChoose={jest.fn()}
        />
      </>,
    );
    expect(screen.getByText('Terminating')).toBeInTheDocument();
    const items = screen.getAllByRole('menuitem');
    expect(items.length).toBeGreaterThan(0);
    for (const item of items)
      expect(item).toHaveAttribute('aria-disabled', 'true');
    expect(items.map(i => i.textContent)).toContain('Delete…');
  });
});
