import { Config } from '@backstage/config';

/** A cluster as the broker reaches it: the fields it shares with @backstage/plugin-kubernetes. */
export interface ClusterConfig {
  name: string;
  title?: string;
  url: string;
  /** Service account token; clusters without one are skipped (the broker needs its own identity). */
  serviceAccountToken?: string;
  skipTLSVerify: boolean;
  caData?: string;
  caFile?: string;
}

/**
 * Reads the clusters users already configured for the Kubernetes plugin
 * (`kubernetes.clusterLocatorMethods`, type `config`), so a cluster is
 * configured once. `kubevirt.clusters` optionally narrows the list.
 */
export function readClusters(config: Config): ClusterConfig[] {
  const only = config.getOptionalStringArray('kubevirt.clusters');
  const methods = config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters: ClusterConfig[] = [];
  for (const method of methods) {
    if (method.getString('type') !== 'config') continue;
    for (const c of method.getOptionalConfigArray('clusters') ?? []) {
      const name = c.getString('name');
      if (only && !only.includes(name)) continue;
      clusters.push({
        name,
        title: c.getOptionalString('title'),
        url: c.getString('url'),
        serviceAccountToken: c.getOptionalString('serviceAccountToken'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        caData: c.getOptionalString('caData'),
        caFile: c.getOptionalString('caFile'),
      });
    }
  }
  return clusters;
}
