/**
 * The KubeVirt VM plugin. Apps on the new frontend system use the default
 * export of `@internal/plugin-kubevirt/alpha`; this entry serves apps still on
 * the old system.
 *
 * @packageDocumentation
 */
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { KubevirtApiClient } from '@internal/plugin-kubevirt-common';
import { kubevirtApiRef } from './api';

export { kubevirtApiRef } from './api';
export type { KubevirtApi } from './api';

const legacyRootRouteRef = createRouteRef({ id: 'kubevirt' });

export const kubevirtPlugin = createPlugin({
  id: 'kubevirt',
  apis: [
    createApiFactory({
      api: kubevirtApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new KubevirtApiClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: legacyRootRouteRef },
});

/** Mount with `<Route path="/virtual-machines" element={<KubevirtVmListPage />} />`. */
export const KubevirtVmListPage = kubevirtPlugin.provide(
  createRoutableExtension({
    name: 'KubevirtVmListPage',
    component: () => import('./components/VmListPage').then(m => m.VmListPage),
    mountPoint: legacyRootRouteRef,
  }),
);

/** Mount in an entity page: `<EntityLayout.Route path="/virtual-machines" title="Virtual Machines">`. */
export const EntityKubevirtContent = kubevirtPlugin.provide(
  createComponentExtension({
    name: 'EntityKubevirtContent',
    component: { lazy: () => import('./components/EntityVmsContent').then(m => m.EntityVmsContent) },
  }),
);
