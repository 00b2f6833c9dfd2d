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
  /**
   * The rights the broker needs on the cluster and was refused
   * (SelfSubjectAccessReviews, cluster-wide); empty when it has them all,
   * unset when they could not be checked (see `warnings`).
   */
  missingRights?: MissingClusterRight[];
  /** Why a capability is assumed rather than known (e.g. the broker may not read the KubeVirt CR). */
  warnings?: string[];
}

/** One verb on one resource the broker's identity may not use on a cluster. */
export interface MissingClusterRight {
  /** API group; '' is the core group. */
  group: string;
  /** Plural resource, with its subresource after a slash (`virtualmachines/migrate`). */
  resource: string;
  verb: string;
  /** What the broker needs it for. */
  why: string;
  /** VM operations that cannot run on this cluster without it. */
  operations?: VmOperation[];
  /** Set when only an optional part needs it (`impersonation`). */
  feature?: string;
}

/** The operations a cluster cannot perform, each with the reason a user is shown. */
export type UnavailableOperations = Partial<Record<VmOperation, string>>;
