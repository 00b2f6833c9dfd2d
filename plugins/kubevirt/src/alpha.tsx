import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { KubevirtApiClient } from '@internal/plugin-kubevirt-common';
import ComputerIcon from '@material-ui/icons/Computer';
import { kubevirtApiRef } from './api';

export const rootRouteRef = createRouteRef();

const api = ApiBlueprint.make({
  params: define =>
    define({
      api: kubevirtApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new KubevirtApiClient({ discoveryApi, fetchApi }),
    }),
});

const page = PageBlueprint.make({
  params: {
    path: '/virtual-machines',
    title: 'Virtual Machines',
    icon: <ComputerIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () => import('./components/VmListPage').then(m => <m.VmListPage />),
  },
});

const entityTab = EntityContentBlueprint.make({
  name: 'vms',
  params: {
    path: 'virtual-machines',
    title: 'Virtual Machines',
    filter: { 'metadata.annotations.backstage.io/kubernetes-id': { $exists: true } },
    loader: () => import('./components/EntityVmsContent').then(m => <m.EntityVmsContent />),
  },
});

/** The KubeVirt plugin for apps on the new frontend system. */
export default createFrontendPlugin({
  pluginId: 'kubevirt',
  title: 'Virtual Machines',
  extensions: [api, page, entityTab],
  routes: { root: rootRouteRef },
});
