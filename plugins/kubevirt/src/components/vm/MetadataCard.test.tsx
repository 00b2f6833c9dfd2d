import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { VmOperation } from '@kubevirt-backstage/plugin-kubevirt-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import {
  allOperations,
  brokerError,
  detail,
  fakeKubevirtApi,
} from '../../testing/fakeKubevirtApi';
import { MetadataCard } from './MetadataCard';

const ref = { cluster: 'east', namespace: 'payments', name: 'db-0' };

function vmWith(
  over: { allowedOperations?: VmOperation[] } = {},
  annotations: Record<string, string> = {
    'vm.kubevirt.io/os': 'fedora',
    'example.com/note': 'primary',
    'kubectl.kubernetes.io/last-applied-configuration': '{"huge":"json"}',
  },
) {
  const d = detail({ allowedOperations: allOperations, ...over });
  (d.vm as any).metadata.labels = {
    'backstage.io/kubernetes-id': 'payments-api',
    tier: 'db',
  };
  (d.vm as any).metadata.annotations = annotations;
  return d;
}

function renderCard(d = vmWith()) {
  const fake = fakeKubevirtApi(d);
  const onChange = jest.fn();
  renderInTestApp(
    <TestApiProvider apis={[[kubevirtApiRef, fake.api]]}>
      <MetadataCard detail={d} onChange={onChange} />
    </TestApiProvider>,
  );
  return { fake, onChange };
}

const edit = () =>
  fireEvent.click(
    screen.getByRole('button', { name: 'Edit labels and annotations' }),
  );

describe('MetadataCard', () => {
  it("lists the VM's labels and annotations, without kubectl's last-applied copy", async () => {
    renderCard();
    const labels = await screen.findByRole('list', { name: 'Labels' });
    expect(
      within(labels)
        .getAllByRole('listitem')
        .map(i => i.textContent),
    ).toEqual(['backstage.io/kubernetes-id=payments-api', 'tier=db']);
    const annotations = screen.getByRole('list', { name: 'Annotations' });
    expect(within(annotations).getAllByRole('listitem')).toHaveLength(2);
    expect(screen.queryByText(/last-applied/)).not.toBeInTheDocument();
  });

  it('adds, changes and removes, and saves the whole sets at the version read (hidden annotations kept)', async () => {
    const { fake, onChange } = renderCard();
    edit();
    const labels = screen.getByRole('group', { name: 'Edit labels' });
    fireEvent.change(within(labels).getByLabelText('value of label tier'), {
      target: { value: 'database' },
    });
    fireEvent.click(within(labels).getByRole('button', { name: 'Add label' }));
    fireEvent.change(
      within(labels).getByLabelText('label key', {
        selector: 'input:not([disabled])',
      }),
      { target: { value: 'example.com/env' } },
    );
    fireEvent.change(
      within(labels).getByLabelText('value of label example.com/env'),
      {
        target: { value: 'prod' },
      },
    );
    const annotations = screen.getByRole('group', { name: 'Edit annotations' });
    fireEvent.click(
      within(annotations).getByRole('button', {
        name: 'Remove annotation example.com/note',
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(fake.api.updateVmMetadata).toHaveBeenCalledWith(
        expect.objectContaining(ref),
        {
          resourceVersion: '100',
          labels: {
            'backstage.io/kubernetes-id': 'payments-api',
            tier: 'database',
            'example.com/env': 'prod',
          },
          annotations: {
            'vm.kubevirt.io/os': 'fedora',
            'kubectl.kubernetes.io/last-applied-configuration':
              '{"huge":"json"}',
          },
        },
      ),
    );
    expect(
      await screen.findByText(
        'Saved: example.com/env, tier, example.com/note changed.',
      ),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenCalled();
  });

  it("refuses what Kubernetes would refuse before sending, and keeps KubeVirt's keys and (below vm-admin) the ownership keys", async () => {
    const { fake } = renderCard(
      vmWith({
        allowedOperations: allOperations.filter(op => op !== 'delete'),
      }),
    );
    edit();
    const labels = screen.getByRole('group', { name: 'Edit labels' });
    // the ownership label: fixed for a caller who may not delete the VM
    expect(
      within(labels).getByLabelText(
        'value of label backstage.io/kubernetes-id',
      ),
    ).toBeDisabled();
    expect(
      within(labels).getByRole('button', {
        name: 'Remove label backstage.io/kubernetes-id',
      }),
    ).toBeDisabled();
    // KubeVirt's annotation: fixed for everyone
    const annotations = screen.getByRole('group', { name: 'Edit annotations' });
    expect(
      within(annotations).getByLabelText(
        'value of annotation vm.kubevirt.io/os',
      ),
    ).toBeDisabled();

    fireEvent.click(within(labels).getByRole('button', { name: 'Add label' }));
    const key = within(labels).getByLabelText('label key', {
      selector: 'input:not([disabled])',
    });
    fireEvent.change(key, { target: { value: 'bad key' } });
    // the list of problems comes and goes with them: asked for anew each time
    const problems = () => screen.getByRole('alert', { name: 'Problems' });
    expect(problems()).toHaveTextContent(
      'Labels: key "bad key": name part must consist of alphanumeric characters',
    );
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    fireEvent.change(key, { target: { value: 'kubevirt.io/size' } });
    expect(problems()).toHaveTextContent(
      'kubevirt.io/size: Kept by Kubernetes or KubeVirt',
    );
    fireEvent.change(key, { target: { value: 'tier' } });
    expect(problems()).toHaveTextContent('Keys must be unique: tier');
    fireEvent.change(key, { target: { value: 'size' } });
    fireEvent.change(within(labels).getByLabelText('value of label size'), {
      target: { value: 'x'.repeat(64) },
    });
    expect(problems()).toHaveTextContent(
      'value of label "size" must be no more than 63 characters',
    );
    expect(fake.api.updateVmMetadata).not.toHaveBeenCalled();
  });

  it('on a 409 shows what changed in the cluster and reloads from the current object', async () => {
    const { fake, onChange } = renderCard();
    const current = {
      metadata: {
        resourceVersion: '101',
        labels: {
          'backstage.io/kubernetes-id': 'payments-api',
          tier: 'db',
          'changed-by': 'someone-else',
        },
        annotations: { 'vm.kubevirt.io/os': 'fedora' },
      },
    };
    fake.api.updateVmMetadata.mockRejectedValueOnce(
      brokerError(
        409,
        'ConflictError',
        'Virtual machine payments/db-0 on cluster east changed since you read it (you sent resourceVersion 100, it is now 101); review the current labels and annotations and apply your change again',
        { currentResourceVersion: '101', current },
      ),
    );
    edit();
    fireEvent.click(
      within(screen.getByRole('group', { name: 'Edit labels' })).getByRole(
        'button',
        { name: 'Add label' },
      ),
    );
    fireEvent.change(
      screen.getByLabelText('label key', { selector: 'input:not([disabled])' }),
      { target: { value: 'mine' } },
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(
      await screen.findByText(/changed since you read it/),
    ).toBeInTheDocument();
    const diff = screen.getByLabelText('Changes in the cluster');
    expect(
      [...diff.querySelectorAll('[data-diff]')].map(l => l.textContent),
    ).toEqual([
      '+ label changed-by=someone-else',
      '- annotation example.com/note=primary',
    ]);
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(onChange).toHaveBeenCalled();
    expect(
      within(screen.getByRole('group', { name: 'Edit labels' })).getByLabelText(
        'value of label changed-by',
      ),
    ).toHaveValue('someone-else');
    expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled();
  });

  it('names the role it needs when the caller may not edit', async () => {
    renderCard(vmWith({ allowedOperations: ['read', 'diagnostics'] }));
    const button = await screen.findByRole('button', {
      name: 'Edit labels and annotations',
    });
    expect(button).toBeDisabled();
    fireEvent.mouseOver(button.parentElement!);
    expect(
      await screen.findByText(
        'Your VM role does not allow editMetadata on this VM; it needs vm-user',
      ),
    ).toBeInTheDocument();
  });
});
