import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { ClusterStatus } from '@kubevirt-backstage/plugin-kubevirt-common';
import { screen, within } from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import { ClusterStatusCard } from './ClusterStatusCard';
import { ClusterStatusPanel } from './ClusterStatusPanel';

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
    name: 'local-sim',
    title: 'Local KubeVirt',
    state: 'synced',
    vmCount: 11,
    capabilities: {
      ...all,
      kubevirtVersion: 'v1.6.0',
      featureGates: ['Snapshot', 'HotplugVolumes'],
      missingRights: [],
    },
  },
  {
    name: 'lab',
    state: 'synced',
    vmCount: 0,
    capabilities: {
      ...all,
      kubevirtVersion: 'v1.6.0',
      featureGates: ['Snapshot'],
      hotplugVolumes: false,
      metrics: false,
      missingRights: [
        {
          group: 'subresources.kubevirt.io',
          resource: 'virtualmachines/migrate',
          verb: 'update',
          why: 'live migration, node evacuation',
          operations: ['migrate'],
        },
      ],
    },
  },
  {
    name: 'prod',
    state: 'not-synced',
    error: "cluster prod answered 401: the broker's credentials were refused",
  },
  {
    name: 'gone',
    state: 'stale',
    staleSince: '2026-01-01T10:00:00Z',
    error: 'cluster gone is unreachable: connect ECONNREFUSED',
    capabilities: { ...all, warnings: ['cannot read the KubeVirt CR'] },
  },
  {
    name: 'broken',
    state: 'not-synced',
    problem: 'unsupported auth provider "oidc"',
  },
];

const row = (name: string) => screen.getByRole('row', { name });

describe('ClusterStatusCard', () => {
  it('shows per cluster its health, sync state, version, gates, parts and the rights the broker lacks', async () => {
    await renderInTestApp(<ClusterStatusCard clusters={clusters} />);
    const local = row('local-sim');
    expect(local).toHaveTextContent('Local KubeVirt');
    expect(local).toHaveTextContent('Reachable, credentials accepted');
    expect(local).toHaveTextContent('Synced (11 VMs)');
    expect(local).toHaveTextContent('v1.6.0');
    expect(local).toHaveTextContent('Snapshot, HotplugVolumes');
    expect(within(local).queryByLabelText('Off on local-sim')).toBeNull();
    expect(local).toHaveTextContent('None');

    const lab = row('lab');
    expect(within(lab).getByLabelText('Off on lab')).toHaveTextContent(
      'Off: Disk hot-plug, Metrics',
    );
    expect(
      within(within(lab).getByRole('list', { name: 'Missing rights on lab' }))
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      'update virtualmachines/migrate (subresources.kubevirt.io): live migration, node evacuation (disabled: migrate)',
    ]);
  });

  it('tells a refused credential, an unreachable cluster and an unusable one apart', async () => {
    await renderInTestApp(<ClusterStatusCard clusters={clusters} />);
    expect(row('prod')).toHaveTextContent('Credentials refused');
    expect(row('prod')).toHaveTextContent('Not synced');
    expect(row('prod')).toHaveTextContent('Not probed yet');
    expect(row('gone')).toHaveTextContent('Unreachable');
    expect(row('gone')).toHaveTextContent(/Stale since/);
    expect(row('gone')).toHaveTextContent('cannot read the KubeVirt CR');
    expect(row('gone')).toHaveTextContent('Not checked');
    expect(row('broken')).toHaveTextContent('Not usable as configured');
    expect(row('broken')).toHaveTextContent('unsupported auth provider "oidc"');
  });

  it('is fed from GET /clusters', async () => {
    const listClusters = jest.fn(async () => ({ items: clusters.slice(1, 2) }));
    await renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, { listClusters } as any]]}>
        <ClusterStatusPanel />
      </TestApiProvider>,
    );
    expect(
      await screen.findByRole('list', { name: 'Missing rights on lab' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('row', { name: 'local-sim' })).toBeNull();
  });
});
