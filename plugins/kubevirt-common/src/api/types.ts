import { VmOperation } from '../permissions';
import { ClusterCapabilities, UnavailableOperations } from './capabilities';

/** One VM as lists show it: what the cache knows of the VM and its instance. */
export interface VmSummary {
  cluster: string;
  namespace: string;
  name: string;
  uid: string;
  /** KubeVirt's printableStatus (Running, Stopped, Paused, ErrorUnschedulable, ...). */
  status: string;
  ready: boolean;
  runStrategy?: string;
  node?: string;
  ipAddresses: string[];
  cpu?: number;
  memory?: string;
  os?: string;
  instancetype?: string;
  preference?: string;
  kubernetesId?: string;
  labels: Record<string, string>;
  /** The VM's annotations, without kubectl's last-applied-configuration. */
  annotations?: Record<string, string>;
  created?: string;
  resourceVersion?: string;
  /** What the caller may do on this VM, from the same decision the broker enforces. */
  allowedOperations: VmOperation[];
  /** Operations the VM's cluster cannot perform (a feature gate or part it lacks), with the reason; never in allowedOperations. */
  unavailableOperations?: UnavailableOperations;
}

export type ClusterSyncState = 'synced' | 'not-synced' | 'stale';

export interface ClusterStatus {
  name: string;
  title?: string;
  state: ClusterSyncState;
  /** Set when the cache lost its connection to the cluster: data is as of this time. */
  staleSince?: string;
  error?: string;
  vmCount?: number;
  /** Resources the cluster does not serve (e.g. datavolumes without CDI): those features are off there. */
  unavailableKinds?: string[];
  /**
   * Why the broker cannot use this cluster at all (bad config, credentials it cannot obtain, an
   * unsupported auth provider): set only on clusters it found but never connected to.
   */
  problem?: string;
  /** What the cluster can do (KubeVirt version, feature gates, optional parts), once probed. */
  capabilities?: ClusterCapabilities;
}

export interface VmListResponse {
  items: VmSummary[];
  /** Of the VMs the caller may see, after filters, before paging. */
  totalItems: number;
  clusters: ClusterStatus[];
}

export interface VmEvent {
  type: string;
  reason: string;
  message: string;
  lastTimestamp?: string;
  count?: number;
  involvedObject: { kind: string; name: string };
}

/** A VM's address: the cluster it lives on, its namespace and name. */
export interface VmRef {
  cluster: string;
  namespace: string;
  name: string;
}

/** Where a disk's data comes from. */
export type VmVolumeSourceType =
  | 'dataVolume'
  | 'persistentVolumeClaim'
  | 'containerDisk'
  | 'cloudInitNoCloud'
  | 'cloudInitConfigDrive'
  | 'ephemeral'
  | 'emptyDisk'
  | 'other';

/** One volume of a VM with the disk it backs and, for DataVolumes, their import state. */
export interface VmVolume {
  name: string;
  sourceType: VmVolumeSourceType;
  /** The DataVolume or claim name, or the container image. */
  source?: string;
  /** Added to a running VM through the addvolume subresource. */
  hotplugged: boolean;
  /** Disk, cdrom or lun, and its bus, when a device uses this volume. */
  device?: { type: 'disk' | 'cdrom' | 'lun'; bus?: string };
  size?: string;
  dataVolume?: { phase?: string; progress?: string; ready: boolean };
}

export interface VmSnapshotInfo {
  name: string;
  phase?: string;
  readyToUse: boolean;
  creationTime?: string;
  indications: string[];
  error?: string;
}

export interface VmRestoreInfo {
  name: string;
  snapshot: string;
  complete: boolean;
  restoreTime?: string;
  /** Why it waits or failed (e.g. RestoreTargetNotReady). */
  reason?: string;
  message?: string;
}

export interface VmMigrationInfo {
  name: string;
  phase?: string;
  sourceNode?: string;
  targetNode?: string;
  created?: string;
  /** Still in flight: cancelMigration deletes it. */
  active: boolean;
}

export interface VmLauncherPod {
  name: string;
  phase?: string;
  node?: string;
  created?: string;
}

export interface VmDetail {
  summary: VmSummary;
  vm: unknown;
  vmi?: unknown;
  events: VmEvent[];
  launcherPods: VmLauncherPod[];
  snapshots: VmSnapshotInfo[];
  restores: VmRestoreInfo[];
  migrations: VmMigrationInfo[];
  volumes: VmVolume[];
}

/** Every write accepts dryRun: the cluster validates it (dryRun=All) and persists nothing. */
export interface DryRunOption {
  dryRun?: boolean;
}

/** Create a VM from a few choices: the broker writes the manifest. */
export interface CreateVmFromChoicesRequest extends DryRunOption {
  cluster: string;
  namespace: string;
  name: string;
  /** A cluster instancetype name, or an explicit size. */
  instancetype?: string;
  resources?: { cpu: number; memory: string };
  preference?: string;
  image:
    | { goldenImage: { name: string; namespace: string } }
    | { containerDisk: string };
  /** Root disk size for golden images, e.g. "30Gi". */
  diskSize?: string;
  cloudInitUserData?: string;
  /** Stored as a Secret next to the VM and referenced by accessCredentials; never logged. */
  sshPublicKey?: string;
  labels?: Record<string, string>;
  runStrategy?: 'Always' | 'Halted' | 'Manual' | 'RerunOnFailure' | 'Once';
}

/** Create a VM from a full VirtualMachine manifest. */
export interface CreateVmFromManifestRequest extends DryRunOption {
  cluster: string;
  manifest: Record<string, unknown>;
}

export type CreateVmRequest =
  | CreateVmFromChoicesRequest
  | CreateVmFromManifestRequest;

export interface CreateVmResponse {
  vm: VmSummary;
  dryRun: boolean;
}

/** Replace a VM; `manifest.metadata.resourceVersion` must be the one the caller read (else 409). */
export interface UpdateVmRequest extends DryRunOption {
  manifest: Record<string, unknown>;
}

export interface UpdateVmResponse {
  vm: VmSummary;
  dryRun: boolean;
}

/**
 * The body of a 409 on update: the broker's error plus the VM as it is now,
 * so a form can show it and retry with `currentResourceVersion`.
 */
export interface VmConflictErrorBody {
  error: {
    name: 'ConflictError';
    message: string;
    currentResourceVersion?: string;
    current?: unknown;
  };
}

export interface CreateSnapshotRequest extends DryRunOption {
  name?: string;
}

export interface CreateSnapshotResponse {
  snapshot: VmSnapshotInfo;
  dryRun: boolean;
}

export interface RestoreRequest extends DryRunOption {
  snapshot: string;
}

export interface RestoreResponse {
  restore: VmRestoreInfo;
  dryRun: boolean;
}

export interface CloneRequest extends DryRunOption {
  targetName: string;
}

export interface CloneResponse {
  clone: { name: string; source: string; targetName: string; phase?: string };
  dryRun: boolean;
}

/** Hot-plug a new empty disk of `size` (as a DataVolume), or an existing claim `pvc`. */
export interface AddVolumeRequest extends DryRunOption {
  name: string;
  size?: string;
  pvc?: string;
  bus?: 'scsi' | 'virtio' | 'sata';
}

export interface AddVolumeResponse {
  volume: string;
  /** The DataVolume the broker created for a `size` request. */
  dataVolume?: string;
  dryRun: boolean;
}

export interface AcceptedResponse {
  accepted: boolean;
  dryRun: boolean;
  [key: string]: unknown;
}

export interface NamespaceOption {
  name: string;
}

export interface InstancetypeOption {
  name: string;
  /** Cluster-wide or from the namespace asked for. */
  scope: 'cluster' | 'namespace';
  namespace?: string;
  cpu?: number;
  memory?: string;
  displayName?: string;
  class?: string;
}

export interface PreferenceOption {
  name: string;
  scope: 'cluster' | 'namespace';
  namespace?: string;
  displayName?: string;
}

export interface GoldenImageOption {
  name: string;
  namespace: string;
  os?: string;
  displayName?: string;
  ready: boolean;
  source: {
    type: 'pvc' | 'snapshot' | 'registry' | 'other';
    name?: string;
    namespace?: string;
    url?: string;
  };
  defaultInstancetype?: string;
  defaultPreference?: string;
}

export interface ItemsResponse<T> {
  items: T[];
}

export type VmSortKey = 'name' | 'namespace' | 'cluster' | 'status' | 'created';

export interface VmListQuery {
  entity?: string;
  kubernetesId?: string;
  cluster?: string;
  namespace?: string;
  labelSelector?: string;
  status?: string[];
  text?: string;
  sort?: VmSortKey;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

/** The two consoles a VM offers through the broker's websocket proxy. */
export type VmConsoleKind = 'console' | 'vnc';

export interface MetricPoint {
  /** Unix time in seconds. */
  t: number;
  v: number;
}

export interface MetricSeries {
  /** `cpu`, `memory`, `networkRx`, … */
  metric: string;
  /** What the series stands for, e.g. an interface or drive name; absent for totals. */
  label?: string;
  unit: 'cores' | 'bytes' | 'bytesPerSecond';
  points: MetricPoint[];
}

export interface VmMetricsResponse {
  cluster: string;
  namespace: string;
  name: string;
  /** Unix seconds. */
  start: number;
  end: number;
  /** Seconds between points. */
  step: number;
  /** PromQL sent for each metric, so a user can reproduce a chart in their own Prometheus. */
  queries: Record<string, string>;
  series: MetricSeries[];
}

export type MetricsRange = '15m' | '1h' | '6h';

/** How a spec change reaches the running guest. */
export type ChangeApplied =
  /** KubeVirt applies it to the running VM (hot-plug; it live-migrates the VM when it must). */
  | 'live'
  /** The VM runs with the old value until it is restarted (KubeVirt's RestartRequired condition). */
  | 'restart'
  /** The VM is stopped: the change takes effect when it starts. */
  | 'next-start';

export interface ResizeDiskRequest {
  /** The new size, larger than the current one: 40Gi. */
  size: string;
  dryRun?: boolean;
}
export interface ResizeDiskResponse {
  volume: string;
  claim: string;
  from?: string;
  to: string;
  dryRun: boolean;
}

export interface AddInterfaceRequest {
  name: string;
  /** `pod`, or a Multus NetworkAttachmentDefinition `<nad>` / `<namespace>/<nad>`. */
  network: 'pod' | { multus: string };
  binding: 'masquerade' | 'bridge' | 'sriov';
  model?: 'virtio' | 'e1000e' | 'e1000' | 'rtl8139';
  macAddress?: string;
  dryRun?: boolean;
}
export interface InterfaceChangeResponse {
  interface: string;
  applied: ChangeApplied;
  /** KubeVirt live-migrates the VM to apply this (SR-IOV hot-plug). */
  liveMigration: boolean;
  dryRun: boolean;
}

export interface HotplugResourcesRequest {
  /** vCPU sockets (vCPUs = sockets × cores × threads); up to domain.cpu.maxSockets. */
  sockets?: number;
  /** Guest memory, up to domain.memory.maxGuest: 8Gi. */
  memory?: string;
  dryRun?: boolean;
}
export interface HotplugResourcesResponse {
  sockets?: number;
  memory?: string;
  applied: ChangeApplied;
  /** KubeVirt live-migrates a running VM to apply more sockets or memory. */
  liveMigration: boolean;
  dryRun: boolean;
}

/** A VM definition saved for reuse: a ConfigMap labelled kubevirt.backstage.io/vm-template in the source VM's namespace. */
export interface SavedVmTemplate {
  cluster: string;
  namespace: string;
  name: string;
  displayName?: string;
  description?: string;
  /** `<namespace>/<vm>` it was saved from. */
  source?: string;
  created?: string;
  cpu?: number;
  memory?: string;
  instancetype?: string;
  preference?: string;
}
export interface SaveAsSavedVmTemplateRequest {
  name: string;
  displayName?: string;
  description?: string;
  dryRun?: boolean;
}
export interface CreateVmFromSavedVmTemplateRequest {
  name: string;
  runStrategy?: 'Always' | 'Halted' | 'Manual' | 'RerunOnFailure' | 'Once';
  dryRun?: boolean;
}

export interface EvacuationResult {
  namespace: string;
  name: string;
  /** migrating: a live migration was requested; the others stay on the node, with the reason. */
  result: 'migrating' | 'not-allowed' | 'not-migratable' | 'failed';
  reason?: string;
}
export interface EvacuateNodeResponse {
  cluster: string;
  node: string;
  dryRun: boolean;
  results: EvacuationResult[];
}

export type BulkAction = 'start' | 'stop' | 'restart' | 'snapshot';
export interface BulkRequest {
  action: BulkAction;
  vms: VmRef[];
  dryRun?: boolean;
}
export interface BulkResult extends VmRef {
  ok: boolean;
  /** HTTP status of this VM's part: 202, or the error's (403, 404, 409, ...). */
  status: number;
  error?: string;
  snapshot?: string;
}
export interface BulkResponse {
  action: BulkAction;
  dryRun: boolean;
  results: BulkResult[];
}
