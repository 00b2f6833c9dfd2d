import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

import { rootRouteRef } from './routes';

export const page = PageBlueprint.make({
  params: {
    path: '/kubevirt',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/TodoPage').then(m => (
        <m.TodoPage />
      )),
  },
});

export const kubevirtPlugin = createFrontendPlugin({
  pluginId: 'kubevirt',
  extensions: [page],
  routes: {
    root: rootRouteRef,
  }
});
