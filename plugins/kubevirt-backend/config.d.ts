export interface Config {
  /** The KubeVirt VM broker. Clusters come from kubernetes.clusterLocatorMethods (type config). */
  kubevirt?: {
    /** Only these clusters (by name) of the Kubernetes plugin's config; default all of type config. */
    clusters?: string[];
  };
}
