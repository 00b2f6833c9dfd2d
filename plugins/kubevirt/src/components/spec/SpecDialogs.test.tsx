import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { VmDetail, VmVolume } from '@kubevirt-backstage/plugin-kubevirt-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import {
  brokerError,
  detail,
  fakeKubevirtApi,
} from '../../testing/fakeKubevirtApi';
import { VmDetails } from '../vm/VmDetails';

const ref = { cluster: 'east', namespace: 'payments', name: 'db-0' };

const dataDisk: VmVolume = {
  name: 'data',
  sourceType: 'dataVolume',
  source: 'db-0-data',
  hotplugged: false,
  size: '20Gi',
  device: { type: 'disk', bus: 'virtio' },
  dataVolume: { phase: 'Succeeded', ready: true },
};
const viewer = detail(
  { allowedOperations: ['read'], instancetype: undefined },
  { volumes: [dataDisk] },
);

function renderVm(
  d: VmDetail = detail({ instancetype: undefined }, { volumes: [dataDisk] }),
) {
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
const dialog = () => screen.getByRole('dialog');
const field = (label: string, value: string) =>
  fireEvent.change(within(dialog()).getByLabelText(label), {
    target: { value },
  });
const press = (name: string) =>
  fireEvent.click(within(dialog()).getByRole('button', { name }));

/** A disabled button's tooltip, shown on hover of its wrapper. */
async function tooltipOf(button: HTMLElement) {
  if (!(button as HTMLButtonElement).disabled)
    throw new Error(`${button.textContent} is enabled`);
  fireEvent.mouseOver(button.parentElement!);
  return (await screen.findByRole('tooltip')).textContent;
}

describe('disk resize', () => {
  it('grows a claim: the new size must be larger, and the broker answer names the claim', async () => {
    const fake = renderVm();
    await openTab('Disks');
    expect(
      screen.queryByRole('button', { name: 'Resize disk rootdisk' }),
    ).toBeNull(); // a container disk has no claim
    fireEvent.click(screen.getByRole('button', { name: 'Resize disk data' }));
    field('New size', '10Gi');
    expect(
      within(dialog()).getByText('Must be larger than 20Gi'),
    ).toBeInTheDocument();
    expect(
      within(dialog()).getByRole('button', { name: 'Resize' }),
    ).toBeDisabled();
    field('New size', 'big');
    expect(
      within(dialog()).getByText('A size such as 10Gi'),
    ).toBeInTheDocument();
    field('New size', '1Ti');
    press('Resize');
    await waitFor(() =>
      expect(fake.api.resizeDisk).toHaveBeenCalledWith(
        expect.objectContaining(ref),
        'data',
        { size: '1Ti' },
      ),
    );
    expect(
      await within(dialog()).findByText(
        /^Done: claim db-0-data of disk data requests 1Ti \(was 20Gi\)/,
      ),
    ).toBeInTheDocument();
  });

  it("shows the broker's refusal in words", async () => {
    const fake = renderVm();
    fake.api.resizeDisk.mockRejectedValueOnce(
      brokerError(
        409,
        'ConflictError',
        'Storage class standard of claim db-0-data does not allow volume expansion',
      ),
    );
    await openTab('Disks');
    fireEvent.click(screen.getByRole('button', { name: 'Resize disk data' }));
    field('New size', '40Gi');
    press('Resize');
    expect(
      await within(dialog()).findByText(
        'Storage class standard of claim db-0-data does not allow volume expansion',
      ),
    ).toBeInTheDocument();
    expect(within(dialog()).getByLabelText('New size')).toBeInTheDocument();
  });

  it('is disabled for a viewer, naming the role that may', async () => {
    renderVm(viewer);
    await openTab('Disks');
    expect(
      await tooltipOf(screen.getByRole('button', { name: 'Resize disk data' })),
    ).toBe(
      'Your VM role does not allow resizeDisk on this VM; it needs vm-user',
    );
  });
});

describe('network interfaces', () => {
  it('adds a bridge NIC on a Multus network and says it applies live', async () => {
    const fake = renderVm();
    await openTab('Network interfaces');
    fireEvent.click(screen.getByRole('button', { name: 'Add interface' }));
    field('Interface name', 'default');
    expect(
      within(dialog()).getByText('db-0 already has an interface default'),
    ).toBeInTheDocument();
    field('Interface name', 'storage');
    field('Multus network name', 'Bad Name');
    expect(
      within(dialog()).getByRole('button', { name: 'Add interface' }),
    ).toBeDisabled();
    field('Multus network name', 'infra/storage-net');
    press('Add interface');
    await waitFor(() =>
      expect(fake.api.addInterface).toHaveBeenCalledWith(
        expect.objectContaining(ref),
        {
          name: 'storage',
          network: { multus: 'infra/storage-net' },
          binding: 'bridge',
          model: 'virtio',
        },
      ),
    );
    expect(
      await within(dialog()).findByText(
        "Done: interface storage is in db-0's spec; it applies live to the running VM.",
      ),
    ).toBeInTheDocument();
    press('Close');
    expect(
      await screen.findByRole('button', { name: 'Remove interface storage' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tabpanel')).toHaveTextContent('infra/storage-net');
  });

  it('removes a NIC after its name is typed and says when it takes effect', async () => {
    const fake = renderVm(
      detail({ status: 'Stopped', instancetype: undefined }),
    );
    await openTab('Network interfaces');
    fireEvent.click(
      screen.getByRole('button', { name: 'Remove interface default' }),
    );
    expect(
      within(dialog()).getByRole('button', { name: 'Remove interface' }),
    ).toBeDisabled();
    fireEvent.change(
      within(dialog()).getByLabelText('Type the name to confirm'),
      { target: { value: 'default' } },
    );
    press('Remove interface');
    await waitFor(() =>
      expect(fake.api.removeInterface).toHaveBeenCalledWith(
        expect.objectContaining(ref),
        'default',
      ),
    );
    expect(
      await within(dialog()).findByText(
        "Done: interface default is removed from db-0's spec; it takes effect when the VM next starts.",
      ),
    ).toBeInTheDocument();
  });

  it("shows the broker's refusal while the VM migrates", async () => {
    const fake = renderVm();
    fake.api.removeInterface.mockRejectedValueOnce(
      brokerError(
        409,
        'ConflictError',
        'Virtual machine payments/db-0 on cluster east is migrating; change its interfaces afterwards',
      ),
    );
    await openTab('Network interfaces');
    fireEvent.click(
      screen.getByRole('button', { name: 'Remove interface default' }),
    );
    fireEvent.change(
      within(dialog()).getByLabelText('Type the name to confirm'),
      { target: { value: 'default' } },
    );
    press('Remove interface');
    expect(
      await within(dialog()).findByText(
        /is migrating; change its interfaces afterwards/,
      ),
    ).toBeInTheDocument();
  });

  it('is disabled for a viewer, naming the role that may', async () => {
    renderVm(viewer);
    await openTab('Network interfaces');
    expect(
      await tooltipOf(screen.getByRole('button', { name: 'Add interface' })),
    ).toBe(
      'Your VM role does not allow addInterface on this VM; it needs vm-user',
    );
    expect(
      screen.getByRole('button', { name: 'Remove interface default' }),
    ).toBeDisabled();
  });
});

describe('CPU and memory', () => {
  it('changes sockets and memory and says how it applies', async () => {
    const d = detail({ instancetype: undefined, cpu: 4 });
    (d.vm as any).spec.template.spec.domain.cpu = { cores: 2, sockets: 2 };
    const fake = renderVm(d);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Change CPU / memory' }),
    );
    // sockets, not vCPUs: 2 sockets of 2 cores
    expect(within(dialog()).getByLabelText('CPU sockets')).toHaveValue('2');
    expect(
      within(dialog()).getByText('4 vCPUs (2 per socket)'),
    ).toBeInTheDocument();
    field('CPU sockets', '0');
    expect(
      within(dialog()).getByRole('button', { name: 'Apply' }),
    ).toBeDisabled();
    field('CPU sockets', '4');
    expect(
      within(dialog()).getByText('8 vCPUs (2 per socket)'),
    ).toBeInTheDocument();
    field('Guest memory', '16Gi');
    press('Apply');
    await waitFor(() =>
      expect(fake.api.hotplugResources).toHaveBeenCalledWith(
        expect.objectContaining(ref),
        { sockets: 4, memory: '16Gi' },
      ),
    );
    expect(
      await within(dialog()).findByText(
        'Done: db-0 has 4 sockets and 16Gi of memory in its spec; it applies live: KubeVirt live-migrates the VM to apply it.',
      ),
    ).toBeInTheDocument();
  });

  it("shows the broker's refusal above the maximum", async () => {
    const fake = renderVm();
    fake.api.hotplugResources.mockRejectedValueOnce(
      brokerError(
        400,
        'InputError',
        'Virtual machine payments/db-0 on cluster east allows at most 8 sockets (maxSockets)',
      ),
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'Change CPU / memory' }),
    );
    field('CPU sockets', '12');
    press('Apply');
    expect(
      await within(dialog()).findByText(/allows at most 8 sockets/),
    ).toBeInTheDocument();
  });

  it('is disabled for a VM sized by an instancetype', async () => {
    renderVm(detail({ instancetype: 'u1.large' }));
    expect(
      await tooltipOf(
        await screen.findByRole('button', { name: 'Change CPU / memory' }),
      ),
    ).toBe(
      'db-0 is sized by instancetype u1.large; change the instancetype in the YAML',
    );
  });

  it('names the role a viewer needs', async () => {
    renderVm(viewer);
    expect(
      await tooltipOf(
        await screen.findByRole('button', { name: 'Change CPU / memory' }),
      ),
    ).toBe(
      'Your VM role does not allow hotplugResources on this VM; it needs vm-user',
    );
  });
});

describe('save a VM as a saved VM template', () => {
  it('saves the VM as a named saved VM template', async () => {
    const fake = renderVm();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Save as template' }),
    );
    expect(within(dialog()).getByLabelText('Template name')).toHaveValue(
      'db-0-template',
    );
    field('Template name', 'Not A Name');
    expect(
      within(dialog()).getByRole('button', { name: 'Save template' }),
    ).toBeDisabled();
    field('Template name', 'fedora-db');
    field('Display name (optional)', 'Fedora database');
    press('Save template');
    await waitFor(() =>
      expect(fake.api.saveAsSavedVmTemplate).toHaveBeenCalledWith(
        expect.objectContaining(ref),
        { name: 'fedora-db', displayName: 'Fedora database' },
      ),
    );
    expect(
      await within(dialog()).findByText(
        'Done: template fedora-db is saved in payments on east.',
      ),
    ).toBeInTheDocument();
  });

  it("shows the broker's refusal when the name is taken", async () => {
    const fake = renderVm();
    fake.api.saveAsSavedVmTemplate.mockRejectedValueOnce(
      brokerError(
        409,
        'ConflictError',
        'Template payments/db-0-template already exists on cluster east',
      ),
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'Save as template' }),
    );
    press('Save template');
    expect(
      await within(dialog()).findByText(
        'Template payments/db-0-template already exists on cluster east',
      ),
    ).toBeInTheDocument();
  });

  it('needs vm-power-user', async () => {
    renderVm(
      detail({ allowedOperations: ['read', 'update', 'hotplugResources'] }),
    );
    expect(
      await tooltipOf(
        await screen.findByRole('button', { name: 'Save as template' }),
      ),
    ).toBe(
      'Your VM role does not allow saveAsSavedVmTemplate on this VM; it needs vm-power-user',
    );
  });
});

describe('evacuate node', () => {
  it("evacuates the VM's node and lists each VM's result with the reasons", async () => {
    const fake = renderVm();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Evacuate node-a' }),
    );
    expect(fake.api.evacuateNode).not.toHaveBeenCalled();
    press('Evacuate');
    await waitFor(() =>
      expect(fake.api.evacuateNode).toHaveBeenCalledWith('east', 'node-a'),
    );
    expect(
      await within(dialog()).findByText('1 of 3 VMs are migrating off node-a.'),
    ).toBeInTheDocument();
    // the migrating VM is followed until it runs elsewhere
    expect(
      await within(dialog()).findByText('Moved off node-a'),
    ).toBeInTheDocument();
    const rows = within(
      within(dialog()).getByRole('table', { name: 'Evacuation results' }),
    ).getAllByRole('row');
    expect(rows.map(r => r.textContent)).toEqual([
      'VMResultReason',
      'payments/db-0Moved off node-a',
      'payments/gpu-0Cannot moveHostDevice gpu0 is not live-migratable',
      'ops/secret-vmNot allowedYour VM role does not allow migrate on ops/secret-vm',
    ]);
  });

  it("shows the broker's error naming node and cluster", async () => {
    const fake = renderVm();
    fake.api.evacuateNode.mockRejectedValueOnce(
      brokerError(
        404,
        'NotFoundError',
        'Node node-a not found on cluster east',
      ),
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'Evacuate node-a' }),
    );
    press('Evacuate');
    expect(
      await within(dialog()).findByText(
        'Evacuation of node-a on cluster east failed: Node node-a not found on cluster east',
      ),
    ).toBeInTheDocument();
  });

  it('needs the migrate right', async () => {
    renderVm(detail({ allowedOperations: ['read', 'update'] }));
    expect(
      await tooltipOf(
        await screen.findByRole('button', { name: 'Evacuate node-a' }),
      ),
    ).toBe(
      'Your VM role does not allow migrate on this VM; it needs vm-power-user',
    );
  });
});
