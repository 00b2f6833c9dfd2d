import { z } from 'zod';
import {
  addInterfaceBody,
  bulkBody,
  evacuateBody,
  createFromSavedVmTemplateBody,
  hotplugResourcesBody,
  resizeDiskBody,
  saveAsSavedVmTemplateBody,
} from '../service/operationSchemas';
import {
  addVolumeBody,
  cloneBody,
  createFromManifest,
  createFromChoices,
  dryRunBody,
  restoreBody,
  snapshotBody,
  updateBody,
} from '../service/schemas';
import {
  dryRunQuery,
  listVmsQuery,
  metricsQuery,
  pickerQuery,
} from './queries';
import { named } from './registry';
import * as r from './responses';
import { updateMetadataBody } from '../service/metadataSchema';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One route of the REST API: what it takes and what it answers, as the schemas the broker uses. */
export interface ContractRoute {
  method: HttpMethod;
  /** OpenAPI style: /vms/{cluster}/{namespace}/{name}. */
  path: string;
  operationId: string;
  tag: 'clusters' | 'vms' | 'pickers';
  summary: string;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required: boolean };
  /** Success (and documented error) responses by status; every route also answers errors as ErrorBody. */
  responses: Record<string, { description: string; schema: z.ZodType }>;
}

const vm = '/vms/{cluster}/{namespace}/{name}';
const body = (schema: z.ZodType, required = true) => ({ schema, required });
const ok = (description: string, schema: z.ZodType) => ({
  '200': { description, schema },
});
const created = (description: string, schema: z.ZodType) => ({
  '201': { description, schema },
});
const accepted = (description: string, schema: z.ZodType) => ({
  '202': { description, schema },
});

// request bodies under the names the document gives them
const createVmRequest = named(
  'CreateVmRequest',
  z.union([createFromChoices, createFromManifest]),
  'From a few choices (exactly one of instancetype and resources), or from a full kubevirt.io/v1 VirtualMachine manifest.',
);
named('UpdateVmRequest', updateBody);
named('DryRunBody', dryRunBody);
named('CreateSnapshotRequest', snapshotBody);
named('RestoreRequest', restoreBody);
named('CloneRequest', cloneBody);
named('AddVolumeRequest', addVolumeBody);
named('ResizeDiskRequest', resizeDiskBody);
named('AddInterfaceRequest', addInterfaceBody);
named('HotplugResourcesRequest', hotplugResourcesBody);
named('SaveAsSavedVmTemplateRequest', saveAsSavedVmTemplateBody);
named('CreateVmFromSavedVmTemplateRequest', createFromSavedVmTemplateBody);
named('EvacuateNodeRequest', evacuateBody);
named('BulkRequest', bulkBody);
named('UpdateVmMetadataRequest', updateMetadataBody);

/**
 * The REST contract, one entry a route: the router serves exactly these
 * (openapi.test.ts), the broker validates with these schemas, and
 * openapi.yaml is generated from this table (yarn openapi:generate).
 */
export const contractRoutes: ContractRoute[] = [
  {
    method: 'get',
    path: '/clusters',
    operationId: 'listClusters',
    tag: 'clusters',
    summary:
      'Clusters and the state of their caches (synced, not-synced, stale).',
    responses: ok('Clusters.', r.clusterList),
  },
  {
    method: 'get',
    path: '/clusters/{cluster}/namespaces',
    operationId: 'listNamespaces',
    tag: 'pickers',
    summary:
      'Namespaces where the caller may create VMs (kubevirt.vm.create on <cluster>/<namespace>, decided in one batch).',
    responses: ok('Namespaces.', r.namespaceList),
  },
  {
    method: 'get',
    path: '/clusters/{cluster}/instancetypes',
    operationId: 'listInstancetypes',
    tag: 'pickers',
    summary:
      'Cluster-wide instancetypes, and namespaced ones (of `namespace` when given), with CPU and memory.',
    query: pickerQuery,
    responses: ok('Instancetypes.', r.instancetypeList),
  },
  {
    method: 'get',
    path: '/clusters/{cluster}/preferences',
    operationId: 'listPreferences',
    tag: 'pickers',
    summary: 'Cluster-wide and namespaced preferences.',
    query: pickerQuery,
    responses: ok('Preferences.', r.preferenceList),
  },
  {
    method: 'get',
    path: '/clusters/{cluster}/goldenimages',
    operationId: 'listGoldenImages',
    tag: 'pickers',
    summary:
      'Golden images (CDI DataSources) with their OS, source and readiness.',
    responses: ok('Golden images.', r.goldenImageList),
  },
  {
    method: 'get',
    path: '/vms',
    operationId: 'listVms',
    tag: 'vms',
    summary:
      'VMs the caller may read (kubevirt.vm.read, conditional decisions applied to the cache), filtered, sorted and paged.',
    query: listVmsQuery,
    responses: ok('One page of VMs.', r.vmListResponse),
  },
  {
    method: 'post',
    path: '/vms',
    operationId: 'createVm',
    tag: 'vms',
    summary:
      'Create a VM (kubevirt.vm.create on <cluster>/<namespace>) from a few choices or from a full manifest.',
    body: body(createVmRequest),
    responses: created(
      'Created (or, with dryRun, accepted by the cluster and not persisted).',
      r.vmWriteResponse,
    ),
  },
  {
    method: 'get',
    path: vm,
    operationId: 'getVm',
    tag: 'vms',
    summary:
      'A VM with its instance, launcher pods, events, snapshots, restores, migrations and volumes (kubevirt.vm.read).',
    responses: ok('The VM.', r.vmDetail),
  },
  {
    method: 'put',
    path: vm,
    operationId: 'updateVm',
    tag: 'vms',
    summary:
      'Replace the VM (kubevirt.vm.update). A stale metadata.resourceVersion is a 409 whose error carries currentResourceVersion and current.',
    body: body(updateBody),
    responses: {
      ...ok('Replaced.', r.vmWriteResponse),
      '409': {
        description: 'The VM changed since the caller read it.',
        schema: r.conflictErrorBody,
      },
    },
  },
  {
    method: 'delete',
    path: vm,
    operationId: 'deleteVm',
    tag: 'vms',
    summary: 'Delete the VM (kubevirt.vm.delete), foreground propagation.',
    query: dryRunQuery,
    responses: accepted('Accepted by the cluster.', r.deleteAccepted),
  },
  {
    method: 'post',
    path: `${vm}/snapshots`,
    operationId: 'createSnapshot',
    tag: 'vms',
    summary: 'Take a VirtualMachineSnapshot (kubevirt.vm.snapshot).',
    body: body(snapshotBody, false),
    responses: created('Snapshot requested.', r.snapshotResponse),
  },
  {
    method: 'delete',
    path: `${vm}/snapshots/{snapshot}`,
    operationId: 'deleteSnapshot',
    tag: 'vms',
    summary:
      "Delete one of this VM's snapshots (kubevirt.vm.snapshot); a snapshot of another VM is a 404 here.",
    query: dryRunQuery,
    responses: accepted('Accepted by the cluster.', r.acceptedResponse),
  },
  {
    method: 'post',
    path: `${vm}/restores`,
    operationId: 'restoreSnapshot',
    tag: 'vms',
    summary:
      'Restore the VM from one of its snapshots (kubevirt.vm.restore). A running VM is a 409 (KubeVirt restores stopped VMs only).',
    body: body(restoreBody),
    responses: created('Restore requested.', r.restoreResponse),
  },
  {
    method: 'post',
    path: `${vm}/clone`,
    operationId: 'cloneVm',
    tag: 'vms',
    summary:
      'Clone the VM into a new one in the same namespace (kubevirt.vm.clone), through a VirtualMachineClone.',
    body: body(cloneBody),
    responses: created('Clone requested.', r.cloneResponse),
  },
  {
    method: 'post',
    path: `${vm}/volumes`,
    operationId: 'addVolume',
    tag: 'vms',
    summary:
      'Hot-plug a volume (kubevirt.vm.update) — a new blank DataVolume of `size`, or the existing claim `pvc` — through the addvolume subresource.',
    body: body(addVolumeBody),
    responses: accepted('Volume added.', r.addVolumeResponse),
  },
  {
    method: 'delete',
    path: `${vm}/volumes/{volume}`,
    operationId: 'removeVolume',
    tag: 'vms',
    summary:
      'Unplug a hot-plugged volume (kubevirt.vm.update) through removevolume; its DataVolume is kept. A volume that was not hot-plugged is a 409.',
    query: dryRunQuery,
    responses: accepted('Accepted by the cluster.', r.acceptedResponse),
  },
  {
    method: 'post',
    path: `${vm}/cancelMigration`,
    operationId: 'cancelMigration',
    tag: 'vms',
    summary:
      'Cancel the migration in flight by deleting its VirtualMachineInstanceMigration (kubevirt.vm.migrate); none in flight is a 409.',
    body: body(dryRunBody, false),
    responses: accepted('Accepted by the cluster.', r.acceptedResponse),
  },
  {
    method: 'get',
    path: '/clusters/{cluster}/templates',
    operationId: 'listSavedVmTemplates',
    tag: 'pickers',
    summary:
      'Saved VM templates (saved with POST .../template: ConfigMaps labelled kubevirt.backstage.io/vm-template), only in namespaces where the caller may create VMs.',
    responses: ok('Saved VM templates.', r.savedVmTemplateList),
  },
  {
    method: 'post',
    path: '/clusters/{cluster}/templates/{namespace}/{template}/vms',
    operationId: 'createVmFromSavedVmTemplate',
    tag: 'vms',
    summary:
      "A new VM in the saved VM template's namespace (kubevirt.vm.create on <cluster>/<namespace>); its DataVolumes are renamed after it; then as POST /vms with a manifest.",
    body: body(createFromSavedVmTemplateBody),
    responses: created('Created, as POST /vms answers.', r.vmWriteResponse),
  },
  {
    method: 'post',
    path: '/clusters/{cluster}/nodes/{node}/evacuate',
    operationId: 'evacuateNode',
    tag: 'vms',
    summary:
      'Live-migrate every VM running on the node, each authorized on its own (kubevirt.vm.migrate); 403 when the caller may migrate none of them. The node is not cordoned.',
    body: body(evacuateBody, false),
    responses: accepted(
      "Per VM on the node, migrating or why it stays (not-allowed, not-migratable with KubeVirt's LiveMigratable reason, failed).",
      r.evacuateResponse,
    ),
  },
  {
    method: 'get',
    path: '/clusters/{cluster}/nodes/{node}/maintenance',
    operationId: 'getNodeMaintenance',
    tag: 'clusters',
    summary:
      'Whether the node is cordoned and the VM instances still on it (kubevirt.node.maintenance: vm-admin without a scope); VMs the caller may not read are counted, not named.',
    responses: ok('The node’s maintenance state.', r.nodeMaintenanceStatus),
  },
  {
    method: 'post',
    path: '/clusters/{cluster}/nodes/{node}/maintenance',
    operationId: 'startNodeMaintenance',
    tag: 'clusters',
    summary:
      'Maintenance on (kubevirt.node.maintenance): cordon the node (spec.unschedulable; the broker needs patch on nodes, else 403 naming the right), then live-migrate every VM on it as evacuateNode does, each authorized on its own (kubevirt.vm.migrate).',
    body: body(dryRunBody, false),
    responses: accepted(
      'Cordoned; per VM, migrating or why it stays; the VMs still on the node.',
      r.nodeMaintenanceResponse,
    ),
  },
  {
    method: 'delete',
    path: '/clusters/{cluster}/nodes/{node}/maintenance',
    operationId: 'stopNodeMaintenance',
    tag: 'clusters',
    summary:
      'Maintenance off (kubevirt.node.maintenance): uncordon the node, so VMs may be scheduled and migrate onto it again.',
    query: dryRunQuery,
    responses: ok('Uncordoned.', r.nodeMaintenanceResponse),
  },
  {
    method: 'post',
    path: '/vms/bulk',
    operationId: 'bulkAction',
    tag: 'vms',
    summary:
      'start, stop, restart or snapshot up to 100 VMs; each VM is authorized, called and audited on its own, as its single route would; 200 with a result per VM.',
    body: body(bulkBody),
    responses: ok('One result per VM, in the order asked.', r.bulkResponse),
  },
  {
    method: 'post',
    path: `${vm}/disks/{volume}/resize`,
    operationId: 'resizeDisk',
    tag: 'vms',
    summary:
      "Grow the PVC behind a disk (kubevirt.vm.update); only larger; 409 when its storage class does not allow expansion; KubeVirt's ExpandDisks passes the size to the guest.",
    body: body(resizeDiskBody),
    responses: accepted('Claim patched.', r.resizeDiskResponse),
  },
  {
    method: 'post',
    path: `${vm}/interfaces`,
    operationId: 'addInterface',
    tag: 'vms',
    summary:
      'Add a network interface (kubevirt.vm.update). Bridge or SR-IOV on a Multus network is hot-plugged into a running VM (SR-IOV by a live migration); anything else applies at the next restart.',
    body: body(addInterfaceBody),
    responses: accepted(
      'Spec changed; applied says how the running guest gets it.',
      r.interfaceChangeResponse,
    ),
  },
  {
    method: 'delete',
    path: `${vm}/interfaces/{interface}`,
    operationId: 'removeInterface',
    tag: 'vms',
    summary:
      'Remove a network interface (kubevirt.vm.update); a hot-pluggable one of a running VM is marked state absent (KubeVirt unplugs it), others are removed from the spec (restart needed while running).',
    query: dryRunQuery,
    responses: accepted(
      'Spec changed; applied says how the running guest gets it.',
      r.interfaceChangeResponse,
    ),
  },
  {
    method: 'patch',
    path: `${vm}/resources`,
    operationId: 'hotplugResources',
    tag: 'vms',
    summary:
      'CPU sockets and guest memory (kubevirt.vm.update) within maxSockets / maxGuest (default 4x what the VM started with); more on a running VM is applied by KubeVirt with a live migration, less needs a restart; 409 for a VM sized by an instancetype.',
    body: body(hotplugResourcesBody),
    responses: accepted('Spec changed.', r.hotplugResourcesResponse),
  },
  {
    method: 'post',
    path: `${vm}/template`,
    operationId: 'saveAsSavedVmTemplate',
    tag: 'vms',
    summary:
      "Save the VM's definition, without status, identity, MACs, firmware IDs and SSH key, as a saved VM template (a ConfigMap) in its namespace (kubevirt.vm.clone).",
    body: body(saveAsSavedVmTemplateBody),
    responses: created('Saved.', r.saveAsSavedVmTemplateResponse),
  },
  {
    method: 'get',
    path: `${vm}/metrics`,
    operationId: 'getVmMetrics',
    tag: 'vms',
    summary:
      "CPU, memory, network and storage series of the VM from its cluster's Prometheus (kubevirt.vm.read); 501 when kubevirt.prometheus.<cluster> is not configured.",
    query: metricsQuery,
    responses: ok(
      'One series per metric (cpu in cores; memory in bytes; networkRx/Tx, storageRead/Write in bytes per second); empty points while the VM is stopped.',
      r.metricsResponse,
    ),
  },
  {
    method: 'patch',
    path: `${vm}/metadata`,
    operationId: 'updateVmMetadata',
    tag: 'vms',
    summary:
      "Set the VM's labels and annotations (kubevirt.vm.update) to the sets given, as a merge patch carrying the resourceVersion they were read at: 409 with the current object when the VM changed since. Keys of kubevirt.io, kubernetes.io and k8s.io (and subdomains) cannot be changed (400); backstage.io/kubernetes-id and the owner keys need kubevirt.vm.delete too (403), since they decide who owns the VM.",
    body: body(updateMetadataBody),
    responses: {
      ...ok('Written (or, dry run, checked).', r.updateVmMetadataResponse),
      '409': {
        description:
          'The VM changed since resourceVersion: the current object and its resourceVersion.',
        schema: r.conflictErrorBody,
      },
    },
  },
  {
    method: 'get',
    path: `${vm}/diagnostics`,
    operationId: 'getVmDiagnostics',
    tag: 'vms',
    summary:
      "What the VM's QEMU guest agent reports through KubeVirt's guestosinfo, userlist and filesystemlist subresources (kubevirt.vm.read): hostname, OS, kernel, timezone, logged-in users, file systems with usage. Audited (the users of a guest are personal data).",
    responses: ok(
      "agent connected with the report, or not-connected / not-running with the reason in words and the cluster's own message.",
      r.vmDiagnosticsResponse,
    ),
  },
  {
    method: 'post',
    path: `${vm}/{action}`,
    operationId: 'actOnVm',
    tag: 'vms',
    summary:
      'One KubeVirt subresource call (start/stop/forceStop/restart/softReboot → kubevirt.vm.power, pause/unpause → kubevirt.vm.pause, migrate → kubevirt.vm.migrate).',
    body: body(dryRunBody, false),
    responses: accepted('Accepted by the cluster.', r.actionAccepted),
  },
];
