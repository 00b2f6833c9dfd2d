import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { kubevirtServiceRef } from '@kubevirt-backstage/plugin-kubevirt-node';
import { readProviderConfig } from './config';
import { KubevirtEntityProvider } from './KubevirtEntityProvider';

/**
 * Catalog module: KubeVirt VMs as `Resource` entities of type `virtual-machine`
 * (config: `catalog.providers.kubevirt`).
 *
 * @public
 */
export const catalogModuleKubevirtEntityProvider = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'kubevirt-entity-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        catalogProcessing: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        kubevirt: kubevirtServiceRef,
      },
      async init({
        catalogProcessing,
        config,
        logger,
        auth,
        scheduler,
        lifecycle,
        catalog,
        events,
        kubevirt,
      }) {
        const provider = new KubevirtEntityProvider({
          config: readProviderConfig(config),
          kubevirt,
          catalog,
          auth,
          logger,
          scheduler,
          events,
        });
        catalogProcessing.addEntityProvider(provider);
        lifecycle.addShutdownHook(() => provider.stop());
      },
    });
  },
});
