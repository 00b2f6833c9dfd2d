/**
 * A test backend with the real Kubernetes plugin, run as its own Node process
 * by `startKubernetesPluginBackend` (kubernetesPluginBackend.ts).
 *
 * Why a process of its own: @backstage/plugin-kubernetes-backend loads
 * @kubernetes/client-node (ES modules only) with a dynamic `import()` when
 * it proxies a request or reads objects, and Jest cannot run a dynamic import
 * without `--experimental-vm-modules`. Here it runs as it does in the portal.
 *
 * Input: the JSON of `KubernetesPluginBackendOptions` in
 * KUBERNETES_PLUGIN_BACKEND_OPTIONS. Output: one line `READY {"port":<n>}` on
 * stdout. Stops when stdin closes (the parent exited or closed it).
 */
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import permissionModuleKubevirtPolicy from '@kubevirt-backstage/plugin-permission-backend-module-kubevirt';
// the real permission loop inside startTestBackend needs the policy module's test auth and user info: shared, not copied
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  actorKeepingAuthFactory,
  userInfoFromEntities,
} from '@kubevirt-backstage/plugin-permission-backend-module-kubevirt/src/__testUtils__/testBackend';
import { AddressInfo } from 'node:net';

export interface KubernetesPluginBackendOptions {
  /**
   * The one cluster, as under kubernetes.clusterLocatorMethods (name local-sim):
   * `serviceAccountToken` is the broker's; `authMetadata.serviceAccountToken`,
   * when set, the Kubernetes plugin's own (README, "Installing beside the Kubernetes plugin").
   */
  cluster: {
    url: string;
    serviceAccountToken: string;
    caData: string;
    authMetadata?: { serviceAccountToken: string };
  };
  /** kubevirt.roles */
  roles: unknown;
  /** The catalog, and the users' memberships (their ownership refs). */
  entities: Parameters<typeof userInfoFromEntities>[0];
}

async function main() {
  const options: KubernetesPluginBackendOptions = JSON.parse(
    process.env.KUBERNETES_PLUGIN_BACKEND_OPTIONS ?? '',
  );
  const backend = await startTestBackend({
    features: [
      kubernetesPlugin,
      permissionPlugin,
      permissionModuleKubevirtPolicy,
      permissionsServiceFactory,
      actorKeepingAuthFactory,
      userInfoFromEntities(options.entities),
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          // as app-config.yaml configures it, for the Kubernetes plugin and the broker alike
          kubernetes: {
            serviceLocatorMethod: { type: 'multiTenant' },
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'local-sim',
                    authProvider: 'serviceAccount',
                    skipMetricsLookup: true,
                    ...options.cluster,
                  },
                ],
              },
            ],
            customResources: [
              {
                group: 'kubevirt.io',
                apiVersion: 'v1',
                plural: 'virtualmachines',
              },
              {
                group: 'kubevirt.io',
                apiVersion: 'v1',
                plural: 'virtualmachineinstances',
              },
            ],
          },
          kubevirt: { roles: options.roles as any },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  process.stdout.write(`READY ${JSON.stringify({ port })}\n`);
  process.stdin.on('close', () => {
    backend.stop().finally(() => process.exit(0));
  });
  process.stdin.resume();
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
