import { VmOperation } from '../permissions';

/** The label that ties a VM to a catalog entity, as the Kubernetes plugin uses it. */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

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
  created?: string;
  resourceVersion?: string;
  /** What the caller may do on this VM, from the same decision the broker enforces. */
  allowedOperations: VmOperation[];
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

export interface VmDetail {
  summary: VmSummary;
  vm: unknown;
  vmi?: unknown;
  events: VmEvent[];
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

/** Operations that act on a VM with one request and no body of their own. */
export const vmActions = [
  'start',
  'stop',
  'forceStop',
  'restart',
  'pause',
  'unpause',
  'migrate',
] as const;
export type VmAction = (typeof vmActions)[number];

/** Signals channels the broker publishes on; messages carry only `{ ref, status }`. */
export const kubevirtSignalChannels = {
  vm: (ref: { cluster: string; namespace: string; name: string }) =>
    `kubevirt:vm:${ref.cluster}/${ref.namespace}/${ref.name}`,
  entity: (kubernetesId: string) => `kubevirt:entity:${kubernetesId}`,
  clusters: 'kubevirt:clusters',
};
