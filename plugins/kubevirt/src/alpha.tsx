import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  KubevirtApiClient,
  VM_ENTITY_TYPE,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import ComputerIcon from '@material-ui/icons/Computer';
import { kubevirtApiRef } from './api';
import { rootRouteRef } from './routes';

export { rootRouteRef } from './routes';
/** The template form pickers (KubevirtClusterPicker, ...): a scaffolder module; add it to the app's features. */
export { kubevirtScaffolderModule } from './scaffolder/module';

const api = ApiBlueprint.make({
  params: define =>
    define({
      api: kubevirtApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KubevirtApiClient({ discoveryApi, fetchApi }),
    }),
});

const withLinks = (element: JSX.Element) =>
  import('./components/NewSystemLinks').then(m => (
    <m.NewSystemLinks>{element}</m.NewSystemLinks>
  ));

/** The VM list, and each VM's page below it (/virtual-machines/:cluster/:namespace/:name). */
const page = PageBlueprint.make({
  params: {
    path: '/virtual-machines',
    title: 'Virtual Machines',
    icon: <ComputerIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/KubevirtRoutes').then(m =>
        withLinks(<m.KubevirtRoutes />),
      ),
  },
});

/** A service's VMs: entities that find their workloads by kubernetes-id or label selector, except VM entities themselves. */
const entityTab = EntityContentBlueprint.make({
  name: 'vms',
  params: {
    path: 'virtual-machines',
    title: 'Virtual Machines',
    filter: {
      $all: [
        {
          $any: [
            {
              'metadata.annotations.backstage.io/kubernetes-id': {
                $exists: true,
              },
            },
            {
              'metadata.annotations.backstage.io/kubernetes-label-selector': {
                $exists: true,
              },
            },
          ],
        },
        { $not: { 'spec.type': VM_ENTITY_TYPE } },
      ],
    },
    loader: () =>
      import('./components/EntityVmsContent').then(m =>
        withLinks(<m.EntityVmsContent />),
      ),
  },
});

/** The VM page as content of a VM's catalog entity. */
const vmEntityContent = EntityContentBlueprint.make({
  name: 'vm',
  params: {
    path: 'virtual-machine',
    title: 'Virtual Machine',
    filter: { kind: 'resource', 'spec.type': VM_ENTITY_TYPE },
    loader: () =>
      import('./components/EntityVmContent').then(m =>
        withLinks(<m.EntityVmContent />),
      ),
  },
});

/** The VM at a glance on its catalog entity's overview. */
const vmEntityCard = EntityCardBlueprint.make({
  name: 'vm',
  params: {
    filter: { kind: 'resource', 'spec.type': VM_ENTITY_TYPE },
    loader: () =>
      import('./components/EntityVmCard').then(m =>
        withLinks(<m.EntityVmCard />),
      ),
  },
});

/** The KubeVirt plugin for apps on the new frontend system. */
export default createFrontendPlugin({
  pluginId: 'kubevirt',
  title: 'Virtual Machines',
  extensions: [api, page, entityTab, vmEntityContent, vmEntityCard],
  routes: { root: rootRouteRef },
});
