export interface Config {
  /** Development only: start the embedded KubeVirt simulator with the backend. */
  kubevirtSimulator?: {
    /** Start the simulator as a child process when the backend starts. */
    autostart?: boolean;
    /** Port the simulator listens on (default 7010); must match the cluster url. */
    port?: number;
    /** `demo` seeds nodes, teams, images and a dozen VMs; `none` starts empty. */
    seed?: 'demo' | 'none';
    /** Extra generated VMs, for scale work. */
    vms?: number;
    /** Folder for the simulator's serving certificate (ca.crt, tls.key); point the cluster's caFile at its ca.crt. */
    tlsDir?: string;
    /** Keep the simulator's state in this folder across restarts. */
    dataDir?: string;
    /** Delay between lifecycle stages in milliseconds. */
    stageDelayMs?: number;
    /** The KubeVirt CR's feature gates (default: Snapshot, HotplugVolumes, ExpandDisks, VMExport); [] for none. */
    featureGates?: string[];
    /** The KubeVirt CR's vmRolloutStrategy (default LiveUpdate: CPU/memory hot-plug on). */
    vmRolloutStrategy?: 'LiveUpdate' | 'Stage';
    /** Serve no CDI (cdi.kubevirt.io), as a cluster without it. */
    withoutCdi?: boolean;
    /** Serve no instancetypes and preferences (instancetype.kubevirt.io). */
    withoutInstancetypes?: boolean;
  };
}
