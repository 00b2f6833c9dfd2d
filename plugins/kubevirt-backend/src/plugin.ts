import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { kubevirtActionsPermission } from '@kubevirt-backstage/plugin-kubevirt-common';
import { registerVmActions } from './actions';
import { ClusterCache } from './cache/ClusterCache';
import { ClusterClient } from './clusters/ClusterClient';
import { ConsoleProxy } from './console/ConsoleProxy';
import { createCapabilityRegistry } from './clusters/capabilities/createCapabilityRegistry';
import { readPrometheusConfig } from './metrics/prometheusConfig';
import { VmMetrics } from './metrics/VmMetrics';
import { ClusterRegistry } from './clusters/ClusterRegistry';
import { hasCatalogLocator } from './clusters/locateClusters';
import { UserImpersonation } from './clusters/UserImpersonation';
import { registerResourceTypes } from './permissions/registerResourceTypes';
import { createRouter } from './router';
import { OwnershipIndex } from './service/OwnershipIndex';
import { AuditRequests } from './service/AuditRequests';
import { PermissionDecisionCache } from './service/access/PermissionDecisionCache';
import { createVmServices } from './service/createVmServices';
import { ActiveViewers } from './signals/ActiveViewers';
import { publishVmChanges } from './signals/publishVmChanges';
import { VmSignalFanout } from './signals/VmSignalFanout';

/**
 * The KubeVirt broker: the one part that talks to clusters.
 *
 * @public
 */
export const kubevirtPlugin = createBackendPlugin({
  pluginId: 'kubevirt',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
        events: eventsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        discovery: coreServices.discovery,
        userInfo: coreServices.userInfo,
      },
      async init({
        config,
        logger,
        httpAuth,
        httpRouter,
        auth,
        permissions,
        permissionsRegistry,
        auditor,
        lifecycle,
        catalog,
        signals,
        events,
        actionsRegistry,
        discovery,
        userInfo,
      }) {
        // VM signals go only to active users who may read the VM (src/signals)
        const viewers = new ActiveViewers({
          permissions,
          auth,
          logger,
          refreshMs:
            (config.getOptionalNumber(
              'kubevirt.signals.permissionRefreshSeconds',
            ) ?? 60) * 1000,
        });
        const fanout = new VmSignalFanout({ signals, viewers, logger });
        const publish = publishVmChanges({ fanout, events, logger });

        // every locator the Kubernetes plugin has (src/clusters); catalog clusters once the catalog answers
        const registry = new ClusterRegistry(
          { config, logger, catalog, auth },
          cluster =>
            new ClusterCache(new ClusterClient(cluster), logger, publish),
        );
        await registry.refresh({ skipCatalog: true });
        const clusters = registry.caches;
        if (hasCatalogLocator(config)) {
          const everyMs =
            (config.getOptionalNumber(
              'kubevirt.clusterLocatorRefreshSeconds',
            ) ?? 60) * 1000;
          const locate = () =>
            registry
              .refresh()
              .catch(e =>
                logger.error(`Locating KubeVirt clusters failed: ${e}`),
              );
          let timer: NodeJS.Timeout | undefined;
          lifecycle.addStartupHook(() => {
            void locate();
            timer = setInterval(locate, everyMs);
          });
          lifecycle.addShutdownHook(() => clearInterval(timer));
        } else if (!clusters.size && !registry.unusableStatuses().length)
          logger.warn(
            'No clusters configured under kubernetes.clusterLocatorMethods',
          );

        const ownership = new OwnershipIndex(catalog, auth, logger);
        const services = createVmServices({
          clusters,
          ownership,
          permissions,
          auditor,
          auditRequests: new AuditRequests(auth),
          logger,
          actors: UserImpersonation.fromConfig(config, {
            catalog,
            auth,
            userInfo,
          }),
          unusableClusters: () => registry.unusableStatuses(),
          // a principal's VM decisions are asked once per permissionCacheSeconds, not per request
          decisionCache: new PermissionDecisionCache({
            permissions,
            userInfo,
            ttlMs:
              (config.getOptionalNumber('kubevirt.permissionCacheSeconds') ??
                10) * 1000,
          }),
        });
        const { access, runner } = services;
        // what each cluster can do (src/clusters/capabilities): operations it cannot perform are not offered
        const capabilities = createCapabilityRegistry({
          clusters,
          prometheus: readPrometheusConfig(config),
          config,
          logger,
        });
        access.setCapabilities(capabilities);
        lifecycle.addStartupHook(() => capabilities.start());
        lifecycle.addShutdownHook(() => capabilities.stop());

        const vmRuleset = registerResourceTypes({
          permissionsRegistry,
          vmResource: ref => access.resource(ref),
          hasCluster: name => clusters.has(name),
        });
        access.setRuleset(vmRuleset);
        fanout.attach(access, vmRuleset);
        viewers.start();
        lifecycle.addShutdownHook(() => viewers.stop());

        registry.start();
        lifecycle.addShutdownHook(() => registry.stop());

        // the console websocket: hooked to the HTTP server by the first request of this plugin
        const consoles = new ConsoleProxy({
          basePath: async () =>
            new URL(await discovery.getBaseUrl('kubevirt')).pathname.replace(
              /\/$/,
              '',
            ),
          auth,
          access,
          runner,
          logger,
          pingIntervalMs:
            (config.getOptionalNumber('kubevirt.console.keepAliveSeconds') ??
              30) * 1000,
        });
        lifecycle.addShutdownHook(() => consoles.close());
        httpRouter.use(consoles.middleware() as any);
        const metrics = new VmMetrics(access, readPrometheusConfig(config));
        httpRouter.use(
          createRouter({
            httpAuth,
            services,
            metrics,
            viewers,
          }),
        );
        registerVmActions({
          registry: actionsRegistry,
          services,
          visibilityPermission: kubevirtActionsPermission,
        });
      },
    });
  },
});
