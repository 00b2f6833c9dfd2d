import {
  VmOperation,
  vmOperations,
} from '@kubevirt-backstage/plugin-kubevirt-common';

/**
 * Parts of the broker a cluster may go without: `impersonation` is needed
 * only on clusters with `impersonate: true`; `kubernetesPlugin` only when the
 * broker's token is also the Kubernetes plugin's (the same
 * `kubernetes.clusterLocatorMethods` entry), which then reads with it.
 */
export type RightFeature = 'impersonation' | 'kubernetesPlugin';

/** One RBAC rule the broker's identity needs on every cluster, cluster-wide (a ClusterRole). */
export interface BrokerRight {
  /** API group; '' is the core group. */
  group: string;
  /** Plural resource, with its subresource after a slash (`virtualmachines/start`). */
  resource: string;
  verbs: readonly string[];
  /** What the broker does with it: the comment the generated ClusterRole carries. */
  why: string;
  /** VM operations that fail without it; they are offered nowhere while the right is missing. */
  operations?: readonly VmOperation[];
  /** Set for a right only an optional part of the broker needs. */
  feature?: RightFeature;
  /**
   * Usually granted for some names only (`resourceNames`): held when any rule
   * grants it, whatever names it lists (a SelfSubjectRulesReview), since an
   * access review without a name would say no.
   */
  narrowedByName?: boolean;
}

/** Every operation that writes or opens a console: what impersonation applies to. */
const userCalls = vmOperations.filter(op => op !== 'read');

const kubevirt = 'kubevirt.io';
const subresources = 'subresources.kubevirt.io';
const snapshot = 'snapshot.kubevirt.io';
const instancetype = 'instancetype.kubevirt.io';
const cdi = 'cdi.kubevirt.io';

/**
 * The broker's rights on a cluster: the source of `docs/broker-rbac*.yaml`
 * (`yarn rbac:generate`) and of the check it makes on every cluster
 * (`checkRights.ts`). A cluster call the broker makes for a resource that is
 * not listed here fails `rights.test.ts`.
 */
export const brokerRights: readonly BrokerRight[] = [
  // the watch caches: VMs and what belongs to them, across all namespaces
  {
    group: kubevirt,
    resource: 'virtualmachines',
    verbs: ['get', 'list', 'watch'],
    why: 'the VM cache (list+watch) and fresh reads before a spec change',
    operations: [
      'update',
      'addInterface',
      'removeInterface',
      'hotplugResources',
    ],
  },
  {
    group: kubevirt,
    resource: 'virtualmachines',
    verbs: ['create'],
    why: 'create VMs (from the form, a manifest or a saved template)',
  },
  {
    group: kubevirt,
    resource: 'virtualmachines',
    verbs: ['update'],
    why: "write a VM's changed spec (manifest, network interfaces, CPU and memory)",
    operations: [
      'update',
      'addInterface',
      'removeInterface',
      'hotplugResources',
    ],
  },
  {
    group: kubevirt,
    resource: 'virtualmachines',
    verbs: ['delete'],
    why: 'delete a VM (foreground, so its disks go with it)',
    operations: ['delete'],
  },
  {
    group: kubevirt,
    resource: 'virtualmachineinstances',
    verbs: ['list', 'watch'],
    why: 'the instance cache: running state, node, IP addresses',
  },
  {
    group: kubevirt,
    resource: 'virtualmachineinstancemigrations',
    verbs: ['list', 'watch'],
    why: 'the migration cache, and the migrations of a VM to cancel',
    operations: ['cancelMigration'],
  },
  {
    group: kubevirt,
    resource: 'virtualmachineinstancemigrations',
    verbs: ['delete'],
    why: 'cancel a migration',
    operations: ['cancelMigration'],
  },
  {
    group: kubevirt,
    resource: 'kubevirts',
    verbs: ['list'],
    why: 'the KubeVirt CR: version and feature gates (without it every gate is assumed on)',
  },
  // KubeVirt's subresource API (virt-api)
  {
    group: subresources,
    resource: 'virtualmachines/start',
    verbs: ['update'],
    why: 'start',
    operations: ['start'],
  },
  {
    group: subresources,
    resource: 'virtualmachines/stop',
    verbs: ['update'],
    why: 'stop and force stop',
    operations: ['stop', 'forceStop'],
  },
  {
    group: subresources,
    resource: 'virtualmachines/restart',
    verbs: ['update'],
    why: 'restart',
    operations: ['restart'],
  },
  {
    group: subresources,
    resource: 'virtualmachines/migrate',
    verbs: ['update'],
    why: 'live migration, node evacuation',
    operations: ['migrate'],
  },
  {
    group: subresources,
    resource: 'virtualmachines/addvolume',
    verbs: ['update'],
    why: 'hot-plug a disk',
    operations: ['addVolume'],
  },
  {
    group: subresources,
    resource: 'virtualmachines/removevolume',
    verbs: ['update'],
    why: 'unplug a disk',
    operations: ['removeVolume'],
  },
  {
    group: subresources,
    resource: 'virtualmachineinstances/pause',
    verbs: ['update'],
    why: 'pause',
    operations: ['pause'],
  },
  {
    group: subresources,
    resource: 'virtualmachineinstances/unpause',
    verbs: ['update'],
    why: 'unpause',
    operations: ['unpause'],
  },
  {
    group: subresources,
    resource: 'virtualmachineinstances/softreboot',
    verbs: ['update'],
    why: 'soft reboot',
    operations: ['softReboot'],
  },
  {
    group: subresources,
    resource: 'virtualmachineinstances/console',
    verbs: ['get'],
    why: 'serial console (websocket)',
    operations: ['console'],
  },
  {
    group: subresources,
    resource: 'virtualmachineinstances/vnc',
    verbs: ['get'],
    why: 'VNC console (websocket)',
    operations: ['console'],
  },
  {
    group: subresources,
    resource: 'virtualmachineinstances/guestosinfo',
    verbs: ['get'],
    why: "diagnostics: the guest agent's OS, host name and time zone",
    operations: ['diagnostics'],
  },
  {
    group: subresources,
    resource: 'virtualmachineinstances/userlist',
    verbs: ['get'],
    why: 'diagnostics: the users logged in to the guest',
    operations: ['diagnostics'],
  },
  {
    group: subresources,
    resource: 'virtualmachineinstances/filesystemlist',
    verbs: ['get'],
    why: "diagnostics: the guest's file systems and their use",
    operations: ['diagnostics'],
  },
  // snapshots, restores, clones
  {
    group: snapshot,
    resource: 'virtualmachinesnapshots',
    verbs: ['get', 'list', 'watch'],
    why: 'the snapshot cache, and the snapshot a restore or delete names',
    operations: ['restore', 'deleteSnapshot'],
  },
  {
    group: snapshot,
    resource: 'virtualmachinesnapshots',
    verbs: ['create'],
    why: 'take a snapshot',
    operations: ['snapshot'],
  },
  {
    group: snapshot,
    resource: 'virtualmachinesnapshots',
    verbs: ['delete'],
    why: 'delete a snapshot',
    operations: ['deleteSnapshot'],
  },
  {
    group: snapshot,
    resource: 'virtualmachinerestores',
    verbs: ['list', 'watch'],
    why: 'the restore cache: progress of a restore',
  },
  {
    group: snapshot,
    resource: 'virtualmachinerestores',
    verbs: ['create'],
    why: 'restore a snapshot',
    operations: ['restore'],
  },
  {
    group: 'clone.kubevirt.io',
    resource: 'virtualmachineclones',
    verbs: ['create'],
    why: 'clone a VM',
    operations: ['clone'],
  },
  // instancetypes and preferences: the create form's choices
  {
    group: instancetype,
    resource: 'virtualmachineinstancetypes',
    verbs: ['get', 'list'],
    why: 'instancetype choices; the instancetype a VM is created with',
  },
  {
    group: instancetype,
    resource: 'virtualmachineclusterinstancetypes',
    verbs: ['get', 'list'],
    why: 'instancetype choices; the instancetype a VM is created with',
  },
  {
    group: instancetype,
    resource: 'virtualmachinepreferences',
    verbs: ['get', 'list'],
    why: 'preference choices; the preference a VM is created with',
  },
  {
    group: instancetype,
    resource: 'virtualmachineclusterpreferences',
    verbs: ['get', 'list'],
    why: 'preference choices; the preference a VM is created with',
  },
  // CDI
  {
    group: cdi,
    resource: 'datavolumes',
    verbs: ['get', 'list', 'watch'],
    why: 'the DataVolume cache: disk import progress',
  },
  {
    group: cdi,
    resource: 'datavolumes',
    verbs: ['create', 'delete'],
    why: 'the blank DataVolume of a hot-plugged disk (deleted again when the hot-plug fails)',
    operations: ['addVolume'],
  },
  {
    group: cdi,
    resource: 'datasources',
    verbs: ['get', 'list'],
    why: "golden images: the create form's choices and the image a VM is created from",
  },
  // core and storage
  {
    group: '',
    resource: 'namespaces',
    verbs: ['list'],
    why: 'the namespaces a user may create VMs in',
  },
  {
    group: '',
    resource: 'pods',
    verbs: ['list', 'watch'],
    why: 'the virt-launcher pod cache (label kubevirt.io=virt-launcher): events and status of a VM',
  },
  {
    group: '',
    resource: 'events',
    verbs: ['list'],
    why: "a VM's events (its own, its instance's and its launcher pods')",
  },
  {
    group: '',
    resource: 'secrets',
    verbs: ['create', 'patch', 'delete'],
    why: 'the SSH key Secret of a VM created from the form (owned by the VM; deleted again if the VM create fails)',
  },
  {
    group: '',
    resource: 'configmaps',
    verbs: ['get', 'list'],
    why: 'saved VM templates (ConfigMaps labelled kubevirt.backstage.io/vm-template): list them, create a VM from one',
  },
  {
    group: '',
    resource: 'configmaps',
    verbs: ['create'],
    why: 'save a VM as a saved VM template',
    operations: ['saveAsSavedVmTemplate'],
  },
  {
    group: '',
    resource: 'persistentvolumeclaims',
    verbs: ['get'],
    why: 'the claim a disk resize or a hot-plugged disk names',
    operations: ['resizeDisk', 'addVolume'],
  },
  {
    group: '',
    resource: 'persistentvolumeclaims',
    verbs: ['patch'],
    why: "resize a disk (the claim's storage request)",
    operations: ['resizeDisk'],
  },
  {
    group: 'storage.k8s.io',
    resource: 'storageclasses',
    verbs: ['get'],
    why: "resize a disk: whether the claim's storage class allows expansion",
    operations: ['resizeDisk'],
  },
  {
    group: '',
    resource: 'nodes',
    verbs: ['get'],
    why: 'evacuate a node and node maintenance: the node must exist',
  },
  {
    group: '',
    resource: 'nodes',
    verbs: ['patch'],
    why: 'node maintenance: cordon and uncordon (spec.unschedulable)',
  },
  {
    group: 'authorization.k8s.io',
    resource: 'selfsubjectaccessreviews',
    verbs: ['create'],
    why: 'the broker checks these rights at start (every signed-in identity has it through system:basic-user)',
  },
  // optional parts
  {
    group: 'authorization.k8s.io',
    resource: 'selfsubjectrulesreviews',
    verbs: ['create'],
    why: 'the broker checks whether it may impersonate (granted to every signed-in identity by system:basic-user)',
    feature: 'impersonation',
  },
  {
    group: '',
    resource: 'users',
    verbs: ['impersonate'],
    why: 'clusters with impersonate: true: act as the signed-in user (narrow with resourceNames)',
    operations: userCalls,
    feature: 'impersonation',
    narrowedByName: true,
  },
  {
    group: '',
    resource: 'groups',
    verbs: ['impersonate'],
    why: "clusters with impersonate: true: the user's catalog groups (narrow with resourceNames)",
    operations: userCalls,
    feature: 'impersonation',
    narrowedByName: true,
  },
];
