import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import fs from 'node:fs';

/** Where Kubernetes mounts a pod's service account token (the broker's fallback without one). */
export const podTokenPath =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * A configured cluster with `authProvider: serviceAccount` and no `serviceAccountToken` is reached
 * with the pod's own token. Outside a pod there is none, and the broker would start with the
 * cluster unusable; this module fails the start instead, naming the cluster and the missing key.
 * Only the `config` locator is checked: its clusters are known before any plugin starts.
 */
export const clusterTokenCheck = createBackendModule({
  pluginId: 'kubevirt',
  moduleId: 'cluster-token-check',
  register(reg) {
    reg.registerInit({
      deps: { config: coreServices.rootConfig },
      async init({ config }) {
        if (fs.existsSync(podTokenPath)) return;
        const methods =
          config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ??
          [];
        const missing = methods.flatMap((method, m) =>
          method.getString('type') !== 'config'
            ? []
            : (method.getOptionalConfigArray('clusters') ?? []).flatMap(
                (cluster, c) =>
                  cluster.getOptionalString('authProvider') ===
                    'serviceAccount' && !cluster.has('serviceAccountToken')
                    ? [
                        `'${cluster.getString(
                          'name',
                        )}' (kubernetes.clusterLocatorMethods[${m}].clusters[${c}])`,
                      ]
                    : [],
              ),
        );
        if (missing.length) {
          throw new Error(
            `Cluster ${missing.join(
              ', ',
            )} has authProvider serviceAccount but no serviceAccountToken, and this process runs outside a pod (no ${podTokenPath}): the broker could not authenticate to it. Set serviceAccountToken (KUBEVIRT_CLUSTER_TOKEN with app-config.production.yaml).`,
          );
        }
      },
    });
  },
});
