/** A cluster entry of a `type: config` locator, with what the broker adds to the Kubernetes plugin's fields. */
interface KubevirtConfigCluster {
  name: string;
  title?: string;
  /** The API server; for authProvider kubeconfig it defaults to the kubeconfig context's server. */
  url?: string;
  /**
   * serviceAccount (serviceAccountToken, or without it the pod's mounted token and CA),
   * kubeconfig (broker-only: kubevirt.clusterLocatorMethods), aws, googleServiceAccount, azure
   * (the Kubernetes plugin's strategies), localKubectlProxy. google, oidc and aks act with the
   * signed-in user's token, which the broker does not hold: such clusters are listed as unusable.
   */
  authProvider?: string;
  /** @visibility secret */
  serviceAccountToken?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify?: boolean;
  /** authProvider kubeconfig: the file, and the context to use (default: its current context). */
  kubeconfig?: {
    path: string;
    context?: string;
  };
  /**
   * Calls the broker makes for a signed-in user (writes, consoles) carry Impersonate-User and
   * Impersonate-Group (see kubevirt.impersonation), so the cluster's RBAC is a second gate after
   * the VM roles and its audit log names the user. Watches and shared reads stay the broker.
   * The broker's identity then needs the `impersonate` verb on `users` and `groups`.
   */
  impersonate?: boolean;
}

/**
 * A cluster under kubernetes.clusterLocatorMethods: the broker's fields, and the Kubernetes
 * plugin's others (skipMetricsLookup, dashboardUrl, ...), which its own schema describes; without
 * the index signature a strict config check refuses them as unknown to this schema.
 */
interface KubernetesPluginCluster extends KubevirtConfigCluster {
  [key: string]: unknown;
}

export interface Config {
  kubernetes?: {
    clusterLocatorMethods?: Array<{
      type: string;
      clusters?: KubernetesPluginCluster[];
      /** catalog locator: hosts the broker may call although private or plain HTTP, e.g. 127.0.0.1. */
      dangerouslyAllowClusterUrls?: string[];
      dangerouslyAllowSkipTLSVerify?: boolean;
      /** the Kubernetes plugin's other locator fields */
      [key: string]: unknown;
    }>;
  };
  /** The KubeVirt VM broker. Clusters come from kubernetes.clusterLocatorMethods and kubevirt.clusterLocatorMethods. */
  kubevirt?: {
    /** Only these clusters (by name) of all locators; default all. */
    clusters?: string[];
    /**
     * Locator methods only the broker reads, in the shape of kubernetes.clusterLocatorMethods
     * (types config, catalog, localKubectlProxy): for clusters the Kubernetes plugin should not
     * see, or auth providers it does not know (kubeconfig).
     */
    clusterLocatorMethods?: Array<{
      type: string;
      clusters?: KubevirtConfigCluster[];
      dangerouslyAllowClusterUrls?: string[];
      dangerouslyAllowSkipTLSVerify?: boolean;
    }>;
    /** Seconds between reads of the catalog locator's clusters (they come and go). Default 60. */
    clusterLocatorRefreshSeconds?: number;
    /**
     * Seconds a principal's VM permission decisions are reused instead of asking the permission
     * backend on every request (lists, VM pages, writes). Keyed by the principal and, for users,
     * their ownership refs, so a user whose groups change is decided again with their next token;
     * conditions (owned by, cluster, namespace) are still evaluated against each VM per request.
     * Default 10; 0 asks on every request.
     */
    permissionCacheSeconds?: number;
    /**
     * Where the pod's service account token and CA are mounted, for serviceAccount clusters
     * without a token. Default /var/run/secrets/kubernetes.io/serviceaccount.
     */
    serviceAccountDir?: string;
    /** How a signed-in user is named to clusters with `impersonate: true`. */
    impersonation?: {
      /** Impersonate-User: the catalog User's spec.profile.email (default), its name, or its entity ref. */
      user?: 'email' | 'name' | 'entityRef';
      /**
       * Prefix of each Impersonate-Group: the user's ownership groups as `<prefix><name>`
       * (`<prefix><namespace>/<name>` outside the default namespace). Default `backstage:`.
       */
      groupPrefix?: string;
    };
    console?: {
      /**
       * Seconds between keep-alive pings on console websockets (both ways); a browser that
       * misses two is dropped and its cluster session closed. Default 30.
       */
      keepAliveSeconds?: number;
    };
    /**
     * Live updates (Backstage signals). They go only to users who used the broker lately and
     * may read the VM; each user's read decision is asked again at this interval (seconds,
     * default 60), so role and ownership changes reach signals within it.
     */
    signals?: {
      permissionRefreshSeconds?: number;
    };
    /**
     * VM metrics (the Metrics tab): a Prometheus-compatible HTTP API per cluster, keyed by the
     * cluster's name as under kubernetes.clusterLocatorMethods, e.g.
     * `kubevirt.prometheus.local-sim.url: https://127.0.0.1:7010/prometheus`. It must hold
     * KubeVirt's kubevirt_vmi_* series with the labels namespace and name. A cluster without
     * an entry answers 501 on /vms/.../metrics and the tab says how to configure it.
     */
    /**
     * What each cluster can do (KubeVirt version and feature gates from the KubeVirt CR, the API
     * groups it serves, Prometheus reachability), probed at start and then every refreshSeconds
     * (default 300); after a failed probe or a cluster's feature-gate refusal, again after
     * retrySeconds (default 15). Operations a cluster cannot perform are not offered and refused.
     */
    capabilities?: {
      refreshSeconds?: number;
      retrySeconds?: number;
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
