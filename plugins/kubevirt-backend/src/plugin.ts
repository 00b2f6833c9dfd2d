import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { KUBEVIRT_VM_EVENTS_TOPIC, kubevirtActionsPermission, kubevirtPermissions, kubevirtSignalChannels, VmChangeEvent, vmCreatePermission } from '@internal/plugin-kubevirt-common';
import {
  kubevirtNamespaceResourceRef,
  kubevirtNamespaceRules,
  kubevirtVmResourceRef,
  kubevirtVmRules,
  parseNamespaceResourceRef,
  parseVmResourceRef,
} from '@internal/plugin-kubevirt-node';
import { registerVmActions } from './actions/registerVmActions';
import { ClusterCache, ClusterChange } from './cache/ClusterCache';
import { ClusterClient } from './clusters/ClusterClient';
import { ConsoleProxy } from './console/ConsoleProxy';
import { readPrometheusConfig } from './metrics/prometheusConfig';
import { VmMetrics } from './metrics/VmMetrics';
import { readClusters } from './clusters/readClusters';
import { createRouter } from './router';
import { ClusterReads } from './service/ClusterReads';
import { OwnershipIndex } from './service/OwnershipIndex';
import { VmOperations } from './service/VmOperations';
import { VmService } from './service/VmService';
import { VmWrites } from './service/VmWrites';

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
      },
      async init({ config, logger, httpAuth, httpRouter, auth, permissions, permissionsRegistry, auditor, lifecycle, catalog, signals, events, actionsRegistry, discovery }) {
        const publish = (change: ClusterChange) => {
          const { namespace = '', name, labels } = change.object.metadata;
          const ref = { cluster: change.cluster, namespace, name };
          const message = { ref: `${ref.cluster}/${namespace}/${name}`, status: change.type === 'DELETED' && change.kind === 'VirtualMachine' ? 'Deleted' : String(change.object.status?.printableStatus ?? change.object.status?.phase ?? '') };
          const channels = [kubevirtSignalChannels.vm(ref)];
          const id = labels?.['backstage.io/kubernetes-id'];
          if (id) channels.push(kubevirtSignalChannels.entity(id));
          const sends = channels.map(channel => ({ channel, message: message as object }));
          // lists of all VMs learn that VMs came or went, without names: the list re-reads what the user may see
          if (change.kind === 'VirtualMachine' && change.type !== 'MODIFIED') {
            sends.push({ channel: kubevirtSignalChannels.clusters, message: { cluster: ref.cluster, type: change.type } });
          }
          for (const send of sends) {
            Promise.resolve()
              .then(() => signals.publish({ recipients: { type: 'broadcast' }, ...send }))
              .catch(e => logger.debug(`signal not sent: ${e}`));
          }
          // backend consumers (the catalog provider) get every VM change on the events service
          const eventPayload: VmChangeEvent = { type: change.kind === 'VirtualMachine' ? (change.type.toLowerCase() as VmChangeEvent['type']) : 'modified', ...ref };
          events.publish({ topic: KUBEVIRT_VM_EVENTS_TOPIC, eventPayload }).catch(e => logger.debug(`VM event not published: ${e}`));
        };

        const clusters = new Map<string, ClusterCache>();
        for (const cluster of readClusters(config)) {
          clusters.set(cluster.name, new ClusterCache(new ClusterClient(cluster), logger, publish));
        }
        if (!clusters.size) logger.warn('No clusters configured under kubernetes.clusterLocatorMethods (type config)');

        const ownership = new OwnershipIndex(catalog, auth, logger);
        const vms = new VmService(clusters, ownership, permissions, auditor, logger);

        permissionsRegistry.addResourceType({
          resourceRef: kubevirtVmResourceRef,
          permissions: kubevirtPermissions.filter(p => p !== vmCreatePermission),
          rules: Object.values(kubevirtVmRules),
          getResources: async refs =>
            Promise.all(refs.map(async ref => {
              const parsed = parseVmResourceRef(ref);
              return parsed ? vms.resource(parsed) : undefined;
            })),
        });
        permissionsRegistry.addResourceType({
          resourceRef: kubevirtNamespaceResourceRef,
          permissions: [vmCreatePermission],
          rules: Object.values(kubevirtNamespaceRules),
          getResources: async refs =>
            refs.map(ref => {
              const parsed = parseNamespaceResourceRef(ref);
              return parsed && clusters.has(parsed.cluster) ? parsed : undefined;
            }),
        });
        vms.setRuleset(permissionsRegistry.getPermissionRuleset(kubevirtVmResourceRef));

        for (const cache of clusters.values()) cache.start();
        lifecycle.addShutdownHook(() => {
          for (const cache of clusters.values()) cache.stop();
        });

        const reads = new ClusterReads();
        const writes = new VmWrites(vms, reads, logger);
        // the console websocket: hooked to the HTTP server by the first request of this plugin
        const consoles = new ConsoleProxy({
          basePath: async () => new URL(await discovery.getBaseUrl('kubevirt')).pathname.replace(/\/$/, ''),
          auth,
          vms,
          logger,
          pingIntervalMs: (config.getOptionalNumber('kubevirt.console.keepAliveSeconds') ?? 30) * 1000,
        });
        lifecycle.addShutdownHook(() => consoles.close());
        httpRouter.use(consoles.middleware() as any);
        const metrics = new VmMetrics(vms, readPrometheusConfig(config));
        const operations = new VmOperations(vms, writes);
        httpRouter.use(createRouter({ httpAuth, vms, writes, reads, clusters, metrics, operations }));
        registerVmActions({ registry: actionsRegistry, vms, writes, visibilityPermission: kubevirtActionsPermission });
      },
    });
  },
});
