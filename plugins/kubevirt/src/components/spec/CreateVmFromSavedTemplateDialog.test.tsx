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
import { CreateVmFromSavedTemplateButton } from './CreateVmFromSavedTemplateDialog';

function renderButton() {
  const fake = fakeKubevirtApi(detail());
  renderInTestApp(
    <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
      <CreateVmFromSavedTemplateButton />
    </TestApiProvider>,
  );
  return fake;
}

const dialog = () => screen.getByRole('dialog');

describe('create a VM from a saved VM template', () => {
  it("creates a stopped VM from a saved template in the template's namespace and waits until it exists", async () => {
    const fake = renderButton();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Create from template' }),
    );
    await waitFor(() =>
      expect(fake.api.listSavedVmTemplates).toHaveBeenCalledWith('east'),
    );
    expect(
      await within(dialog()).findByText(
        'Fedora database (payments/fedora-db, from payments/db-0)',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog()).getByRole('button', { name: 'Create' }),
    ).toBeDisabled();
    fireEvent.change(within(dialog()).getByLabelText('Name of the new VM'), {
      target: { value: 'db-1' },
    });
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Create' }));
    await waitFor(() =>
      expect(fake.api.createVmFromSavedVmTemplate).toHaveBeenCalledWith(
        expect.objectContaining({
          cluster: 'east',
          namespace: 'payments',
          name: 'fedora-db',
        }),
        { name: 'db-1', runStrategy: 'Halted' },
      ),
    );
    expect(
      await within(dialog()).findByText(
        'Done: db-1 exists in payments on east.',
      ),
    ).toBeInTheDocument();
  });

  it('says when there is no template the user may create from, naming the role', async () => {
    const fake = renderButton();
    fake.api.listSavedVmTemplates.mockResolvedValueOnce({ items: [] });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Create from template' }),
    );
    expect(
      await within(dialog()).findByText(
        'No saved templates on east in a namespace where you may create VMs (creating needs vm-admin).',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog()).getByRole('button', { name: 'Create' }),
    ).toBeDisabled();
  });

  it("shows the broker's refusal in words", async () => {
    const fake = renderButton();
    fake.api.createVmFromSavedVmTemplate.mockRejectedValueOnce(
      brokerError(
        409,
        'ConflictError',
        'Virtual machine payments/db-0 already exists on cluster east',
      ),
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'Create from template' }),
    );
    await within(dialog()).findByText(/Fedora database/);
    fireEvent.change(within(dialog()).getByLabelText('Name of the new VM'), {
      target: { value: 'db-0' },
    });
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Create' }));
    expect(
      await within(dialog()).findByText(
        'Virtual machine payments/db-0 already exists on cluster east',
      ),
    ).toBeInTheDocument();
  });
});
