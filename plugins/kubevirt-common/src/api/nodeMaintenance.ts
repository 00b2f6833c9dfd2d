import { EvacuationResult } from './types';

/** A VM instance on a node in maintenance, as the progress shows it. */
export interface NodeMaintenanceVm {
  namespace: string;
  name: string;
  /** A live migration of it is in progress. */
  migrating: boolean;
}

/** A node's maintenance state: cordoned or not, and the VM instances it still holds. */
export interface NodeMaintenanceStatus {
  cluster: string;
  node: string;
  /** spec.unschedulable: no new VM lands on it. */
  unschedulable: boolean;
  /** The node's Ready condition. */
  ready: boolean;
  /** Every VM instance still on the node, whether or not the caller may read it. */
  vmCount: number;
  /** Those the caller may read, by name. */
  vms: NodeMaintenanceVm[];
  /** Cordoned and empty: the node can be serviced. */
  drained: boolean;
}

export interface NodeMaintenanceResponse extends NodeMaintenanceStatus {
  dryRun: boolean;
  /** When maintenance started: per VM, migrating or why it stays (as evacuation says it). */
  results?: EvacuationResult[];
}
