import { VmOperation } from '../permissions';

/**
 * What one cluster can do, as the broker last probed it: the KubeVirt CR's
 * version and feature gates, the API groups it serves, and whether its
 * Prometheus answers.
 */
export interface ClusterCapabilities {
  /** When the probe last completed (ISO time). */
  probedAt?: string;
  /** `status.observedKubeVirtVersion` of the KubeVirt CR, e.g. `v1.6.0`. */
  kubevirtVersion?: string;
  /** `spec.configuration.developerConfiguration.featureGates` of the KubeVirt CR. */
  featureGates?: string[];
  /** `spec.configuration.vmRolloutStrategy` of the KubeVirt CR; unset is KubeVirt's default, Stage. */
  vmRolloutStrategy?: string;
  /** CDI (`cdi.kubevirt.io`): DataVolumes and golden images. */
  cdi: boolean;
  /** Instancetypes and preferences (`instancetype.kubevirt.io`). */
  instancetypes: boolean;
  snapshots: boolean;
  liveMigration: boolean;
  hotplugVolumes: boolean;
  expandDisks: boolean;
  hotplugNics: boolean;
  cpuMemoryHotplug: boolean;
  /** A Prometheus is configured for the cluster and answered the last probe. */
  metrics: boolean;
  /** Why a capability is assumed rather than known (e.g. the broker may not read the KubeVirt CR). */
  warnings?: string[];
}

/** The operations a cluster cannot perform, each with the reason a user is shown. */
export type UnavailableOperations = Partial<Record<VmOperation, string>>;
