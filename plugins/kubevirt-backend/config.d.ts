export interface Config {
  /** The KubeVirt VM broker. Clusters come from kubernetes.clusterLocatorMethods (type config). */
  kubevirt?: {
    /** Only these clusters (by name) of the Kubernetes plugin's config; default all of type config. */
    clusters?: string[];
    /**
     * VM metrics (the Metrics tab): a Prometheus-compatible HTTP API per cluster, keyed by the
     * cluster's name as under kubernetes.clusterLocatorMethods, e.g.
     * `kubevirt.prometheus.local-sim.url: https://127.0.0.1:7010/prometheus`. It must hold
     * KubeVirt's kubevirt_vmi_* series with the labels namespace and name. A cluster without
     * an entry answers 501 on /vms/.../metrics and the tab says how to configure it.
     */
    console?: {
      /**
       * Seconds between keep-alive pings on console websockets (both ways); a browser that
       * misses two is dropped and its cluster session closed. Default 30.
       */
      keepAliveSeconds?: number;
    };
    prometheus?: {
      [cluster: string]: {
        /** Base URL; /api/v1/query_range is appended. */
        url: string;
        /** CA bundle (base64 PEM) for an HTTPS URL with a private CA. */
        caData?: string;
        /** CA file, read at each request (it may appear after start). */
        caFile?: string;
        skipTLSVerify?: boolean;
        /**
         * Sent as Authorization: Bearer (Thanos, Grafana Cloud, an authenticating proxy).
         * @visibility secret
         */
        bearerToken?: string;
      };
    };
  };
}
