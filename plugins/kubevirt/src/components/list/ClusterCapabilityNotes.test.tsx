import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ClusterStatus } from '@kubevirt-backstage/plugin-kubevirt-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { ClusterCapabilityNotes } from './ClusterCapabilityNotes';

const all = {
  cdi: true,
  instancetypes: true,
  snapshots: true,
  liveMigration: true,
  hotplugVolumes: true,
  expandDisks: true,
  hotplugNics: true,
  cpuMemoryHotplug: true,
  metrics: true,
};

const clusters: ClusterStatus[] = [
  {
    name: 'full',
    state: 'synced',
    capabilities: { ...all, kubevirtVersion: 'v1.6.0', featureGates: [] },
  },
  {
    name: 'prod-east',
    title: 'Prod East',
    state: 'synced',
    capabilities: {
      ...all,
      kubevirtVersion: 'v1.6.0',
      featureGates: ['ExpandDisks'],
      vmRolloutStrategy: 'Stage',
      hotplugVolumes: false,
      cpuMemoryHotplug: false,
      cdi: false,
      missingRights: [
        {
          group: 'subresources.kubevirt.io',
          resource: 'virtualmachines/migrate',
          verb: 'update',
          why: 'live migration, node evacuation',
          operations: ['migrate'],
        },
        // needed by no VM operation: the status card lists it, the note does not
        {
          group: '',
          resource: 'nodes',
          verb: 'get',
          why: 'evacuate a node',
        },
      ],
    },
  },
  // not probed yet: nothing to say
  { name: 'new', state: 'not-synced' },
];

describe('ClusterCapabilityNotes', () => {
  it('names, per cluster that lacks something, what and why', async () => {
    await renderInTestApp(<ClusterCapabilityNotes clusters={clusters} />);
    const title = await screen.findByText(
      'Info: Not everything is available on cluster Prod East (KubeVirt v1.6.0)',
    );
    expect(
      screen.queryByText(/Not everything is available on cluster full/),
    ).toBeNull();
    fireEvent.click(title);
    const list = screen.getByRole('list', {
      name: 'Not available on prod-east',
    });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      'disk hot-plug (no HotplugVolumes feature gate)',
      'CPU/memory hot-plug (vmRolloutStrategy Stage)',
      'DataVolumes and golden images (no CDI)',
      'migrate (the broker may not update virtualmachines/migrate)',
    ]);
  });

  it('says when the broker could not read what a cluster can do', async () => {
    const warning =
      'cannot read the KubeVirt CR on cluster r (403 forbidden): feature gates unknown, none assumed missing';
    await renderInTestApp(
      <ClusterCapabilityNotes
        clusters={[
          {
            name: 'r',
            state: 'synced',
            capabilities: { ...all, warnings: [warning] },
          },
        ]}
      />,
    );
    fireEvent.click(
      await screen.findByText('Info: Not everything is available on cluster r'),
    );
    expect(screen.getByText(warning)).toBeInTheDocument();
  });
});
