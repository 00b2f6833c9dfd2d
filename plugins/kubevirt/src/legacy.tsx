import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { KubevirtApiClient } from '@kubevirt-backstage/plugin-kubevirt-common';
import { kubevirtApiRef } from './api';

const legacyRootRouteRef = createRouteRef({ id: 'kubevirt' });

export const kubevirtPlugin = createPlugin({
  id: 'kubevirt',
  apis: [
    createApiFactory({
      api: kubevirtApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KubevirtApiClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: legacyRootRouteRef },
});

const linked = async (load: () => Promise<JSX.Element>) => {
  const [{ LegacyLinks }, element] = await Promise.all([
    import('./components/LegacyLinks'),
    load(),
  ]);
  return () => (
    <LegacyLinks routeRef={legacyRootRouteRef}>{element}</LegacyLinks>
  );
};

/** Mount with `<Route path="/virtual-machines" element={<KubevirtVmListPage />} />`: the list and VM pages below it. */
export const KubevirtVmListPage = kubevirtPlugin.provide(
  createRoutableExtension({
    name: 'KubevirtVmListPage',
    component: () =>
      linked(() =>
        import('./components/KubevirtRoutes').then(m => <m.KubevirtRoutes />),
      ),
    mountPoint: legacyRootRouteRef,
  }),
);

/** A service's VMs: `<EntityLayout.Route path="/virtual-machines" title="Virtual Machines">`. */
export const EntityKubevirtContent = kubevirtPlugin.provide(
  createComponentExtension({
    name: 'EntityKubevirtContent',
    component: {
      lazy: () =>
        linked(() =>
          import('./components/EntityVmsContent').then(m => (
            <m.EntityVmsContent />
          )),
        ),
    },
  }),
);

/** A VM entity's page content (kind Resource, spec.type virtual-machine). */
export const EntityKubevirtVmContent = kubevirtPlugin.provide(
  createComponentExtension({
    name: 'EntityKubevirtVmContent',
    component: {
      lazy: () =>
        linked(() =>
          import('./components/EntityVmContent').then(m => (
            <m.EntityVmContent />
          )),
        ),
    },
  }),
);
