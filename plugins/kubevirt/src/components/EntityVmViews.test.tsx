import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, waitFor } from '@testing-library/react';
import { kubevirtApiRef } from '../api';
import { detail, summary } from '../testing/fakeKubevirtApi';
import { VmLinkBaseProvider } from './links';
import { EntityVmCard } from './EntityVmCard';
import { EntityVmContent } from './EntityVmContent';
import { EntityVmsContent } from './EntityVmsContent';

const api = () => ({
  listVms: jest.fn(async () => ({
    items: [summary()],
    totalItems: 1,
    clusters: [],
  })),
  listClusters: jest.fn(async () => ({ items: [] })),
  getVm: jest.fn(async () => {
    throw new Error('not here');
  }),
});

const component = (annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
});

describe('EntityVmsContent', () => {
  it("asks for the entity's VMs by its kubernetes-id", async () => {
    const fake = api();
    renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, fake as any]]}>
        <EntityProvider
          entity={component({ 'backstage.io/kubernetes-id': 'payments' })}
        >
          <EntityVmsContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Virtual machines of payments-api (1)'),
    ).toBeInTheDocument();
    expect(fake.listVms).toHaveBeenCalledWith(
      expect.objectContaining({
        entity: 'component:default/payments-api',
        kubernetesId: 'payments',
      }),
    );
  });

  it('uses the label selector annotation when there is no kubernetes-id', async () => {
    const fake = api();
    renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, fake as any]]}>
        <EntityProvider
          entity={component({
            'backstage.io/kubernetes-label-selector':
              'app=payments,tier in (db)',
          })}
        >
          <EntityVmsContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    await waitFor(() =>
      expect(fake.listVms).toHaveBeenCalledWith(
        expect.objectContaining({ labelSelector: 'app=payments,tier in (db)' }),
      ),
    );
    expect(fake.listVms).not.toHaveBeenCalledWith(
      expect.objectContaining({ kubernetesId: expect.anything() }),
    );
  });
});

describe('EntityVmContent', () => {
  it('reads the VM from the annotations of its catalog entity', async () => {
    const fake = api();
    renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, fake as any]]}>
        <EntityProvider
          entity={{
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Resource',
            metadata: {
              name: 'db-0.payments.east',
              annotations: {
                'kubevirt.io/cluster': 'east',
                'kubevirt.io/namespace': 'payments',
                'kubevirt.io/name': 'db-0',
              },
            },
            spec: { type: 'virtual-machine', owner: 'team-payments' },
          }}
        >
          <EntityVmContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    await waitFor(() =>
      expect(fake.getVm).toHaveBeenCalledWith({
        cluster: 'east',
        namespace: 'payments',
        name: 'db-0',
      }),
    );
  });

  it('says which annotations are missing', async () => {
    renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, api() as any]]}>
        <EntityProvider
          entity={{
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Resource',
            metadata: { name: 'x' },
            spec: { type: 'virtual-machine' },
          }}
        >
          <EntityVmContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(/does not say which VM it is/),
    ).toBeInTheDocument();
  });
});

describe('EntityVmCard', () => {
  it("shows the VM's state on its entity's overview and links to its page", async () => {
    const fake = {
      ...api(),
      getVm: jest.fn(async () =>
        detail({ status: 'ErrorUnschedulable', node: undefined }),
      ),
    };
    renderInTestApp(
      <TestApiProvider apis={[[kubevirtApiRef, fake as any]]}>
        <VmLinkBaseProvider base="/virtual-machines">
          <EntityProvider
            entity={{
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Resource',
              metadata: {
                name: 'db-0.payments.east',
                annotations: {
                  'kubevirt.io/cluster': 'east',
                  'kubevirt.io/namespace': 'payments',
                  'kubevirt.io/name': 'db-0',
                },
              },
              spec: { type: 'virtual-machine', owner: 'team-payments' },
            }}
          >
            <EntityVmCard />
          </EntityProvider>
        </VmLinkBaseProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('ErrorUnschedulable')).toBeInTheDocument();
    expect(screen.getByText('u1.large · 2 vCPU · 8Gi')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'db-0' })).toHaveAttribute(
      'href',
      '/virtual-machines/east/payments/db-0',
    );
  });
});
