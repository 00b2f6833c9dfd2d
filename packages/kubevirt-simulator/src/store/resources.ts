import { reviewTypes } from '../auth/reviewTypes';

/** One kind the simulator serves, as discovery describes it. */
export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Subresources served under `<plural>/<sub>` of this group (status is generic). */
  subresources?: string[];
  /** Built-in Kubernetes kinds accept strategic merge patch; custom resources answer 415. */
  builtin: boolean;
  /** The verbs discovery lists, when not all of them (the review kinds are create-only). */
  verbs?: string[];
  /** A served version the CRD marks deprecated: every request gets this as a `Warning` header. */
  deprecationWarning?: string;
}

const verbs = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

const core = (
  kind: string,
  plural: string,
  namespaced: boolean,
  shortNames?: string[],
): ResourceType => ({
  group: '',
  version: 'v1',
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  shortNames,
  builtin: true,
  subresources: ['status'],
});

const crd = (
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  shortNames: string[] = [],
  categories: string[] = ['all'],
): ResourceType => ({
  group,
  version,
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  shortNames,
  categories,
  builtin: false,
  subresources: ['status'],
});

export const resourceTypes: ResourceType[] = [
  core('Namespace', 'namespaces', false, ['ns']),
  core('Node', 'nodes', false, ['no']),
  { ...core('Pod', 'pods', true, ['po']), subresources: ['status', 'log'] },
  core('Event', 'events', true, ['ev']),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc']),
  core('ConfigMap', 'configmaps', true, ['cm']),
  core('Secret', 'secrets', true),
  core('Service', 'services', true, ['svc']),
  core('LimitRange', 'limitranges', true, ['limits']),
  core('ResourceQuota', 'resourcequotas', true, ['quota']),
  core('PersistentVolume', 'persistentvolumes', false, ['pv']),
  // workload kinds a portal's Kubernetes view asks every cluster for
  ...(
    [
      ['apps', 'v1', 'Deployment', 'deployments', ['deploy']],
      ['apps', 'v1', 'ReplicaSet', 'replicasets', ['rs']],
      ['apps', 'v1', 'StatefulSet', 'statefulsets', ['sts']],
      ['apps', 'v1', 'DaemonSet', 'daemonsets', ['ds']],
      ['batch', 'v1', 'Job', 'jobs', []],
      ['batch', 'v1', 'CronJob', 'cronjobs', ['cj']],
      [
        'autoscaling',
        'v2',
        'HorizontalPodAutoscaler',
        'horizontalpodautoscalers',
        ['hpa'],
      ],
      ['networking.k8s.io', 'v1', 'Ingress', 'ingresses', ['ing']],
    ] as const
  ).map(
    ([group, version, kind, plural, shortNames]): ResourceType => ({
      group,
      version,
      kind,
      plural,
      singular: kind.toLowerCase(),
      namespaced: true,
      shortNames: [...shortNames],
      categories: ['all'],
      builtin: true,
      subresources: ['status'],
    }),
  ),
  {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'StorageClass',
    plural: 'storageclasses',
    singular: 'storageclass',
    namespaced: false,
    shortNames: ['sc'],
    builtin: true,
  },
  ...['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].map(
    (kind): ResourceType => ({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      kind,
      plural: `${kind.toLowerCase()}s`,
      singular: kind.toLowerCase(),
      namespaced: !kind.startsWith('Cluster'),
      builtin: true,
    }),
  ),
  crd('kubevirt.io', 'v1', 'VirtualMachine', 'virtualmachines', true, [
    'vm',
    'vms',
  ]),
  // KubeVirt's VMI CRD has no status subresource (crds.go NewVirtualMachineInstanceCrd): a write to the
  // VMI itself writes its status
  {
    ...crd(
      'kubevirt.io',
      'v1',
      'VirtualMachineInstance',
      'virtualmachineinstances',
      true,
      ['vmi', 'vmis'],
    ),
    subresources: [],
  },
  crd(
    'kubevirt.io',
    'v1',
    'VirtualMachineInstanceMigration',
    'virtualmachineinstancemigrations',
    true,
    ['vmim', 'vmims'],
  ),
  // virt-operator's own CR (crds.go NewKubeVirtCrd): one per cluster, its configuration is what virt-api enforces
  crd('kubevirt.io', 'v1', 'KubeVirt', 'kubevirts', true, ['kv', 'kvs']),
  crd(
    'snapshot.kubevirt.io',
    'v1beta1',
    'VirtualMachineSnapshot',
    'virtualmachinesnapshots',
    true,
    ['vmsnapshot', 'vmsnapshots'],
  ),
  crd(
    'snapshot.kubevirt.io',
    'v1beta1',
    'VirtualMachineSnapshotContent',
    'virtualmachinesnapshotcontents',
    true,
    ['vmsnapshotcontent', 'vmsnapshotcontents'],
  ),
  crd(
    'snapshot.kubevirt.io',
    'v1beta1',
    'VirtualMachineRestore',
    'virtualmachinerestores',
    true,
    ['vmrestore', 'vmrestores'],
  ),
  crd(
    'clone.kubevirt.io',
    'v1beta1',
    'VirtualMachineClone',
    'virtualmachineclones',
    true,
    ['vmclone', 'vmclones'],
  ),
  crd(
    'instancetype.kubevirt.io',
    'v1beta1',
    'VirtualMachineInstancetype',
    'virtualmachineinstancetypes',
    true,
    ['vminstancetype', 'vminstancetypes', 'vmf', 'vmfs'],
  ),
  crd(
    'instancetype.kubevirt.io',
    'v1beta1',
    'VirtualMachineClusterInstancetype',
    'virtualmachineclusterinstancetypes',
    false,
    ['vmclusterinstancetype', 'vmclusterinstancetypes', 'vmcf', 'vmcfs'],
  ),
  crd(
    'instancetype.kubevirt.io',
    'v1beta1',
    'VirtualMachinePreference',
    'virtualmachinepreferences',
    true,
    ['vmpref', 'vmprefs', 'vmp', 'vmps'],
  ),
  crd(
    'instancetype.kubevirt.io',
    'v1beta1',
    'VirtualMachineClusterPreference',
    'virtualmachineclusterpreferences',
    false,
    ['vmcp', 'vmcps'],
  ),
  crd('cdi.kubevirt.io', 'v1beta1', 'DataVolume', 'datavolumes', true, [
    'dv',
    'dvs',
  ]),
  crd('cdi.kubevirt.io', 'v1beta1', 'DataSource', 'datasources', true, ['das']),
  // the other kinds of KubeVirt 1.6's crds.go, stored and listed with their names, scopes and versions
  {
    ...crd(
      'kubevirt.io',
      'v1',
      'VirtualMachineInstancePreset',
      'virtualmachineinstancepresets',
      true,
      ['vmipreset', 'vmipresets'],
    ),
    subresources: [],
    deprecationWarning:
      'kubevirt.io/v1 VirtualMachineInstancePresets is now deprecated and will be removed in v2.',
  },
  crd(
    'kubevirt.io',
    'v1',
    'VirtualMachineInstanceReplicaSet',
    'virtualmachineinstancereplicasets',
    true,
    ['vmirs', 'vmirss'],
  ),
  crd(
    'pool.kubevirt.io',
    'v1alpha1',
    'VirtualMachinePool',
    'virtualmachinepools',
    true,
    ['vmpool', 'vmpools'],
  ),
  crd(
    'export.kubevirt.io',
    'v1beta1',
    'VirtualMachineExport',
    'virtualmachineexports',
    true,
    ['vmexport', 'vmexports'],
  ),
  crd(
    'migrations.kubevirt.io',
    'v1alpha1',
    'MigrationPolicy',
    'migrationpolicies',
    false,
    [],
    [],
  ),
  ...reviewTypes,
];

export const apiVersionOf = (t: ResourceType) =>
  t.group ? `${t.group}/${t.version}` : t.version;

const byPath = new Map(
  resourceTypes.map(t => [`${t.group}/${t.version}/${t.plural}`, t]),
);
const byKind = new Map(resourceTypes.map(t => [t.kind, t]));

export function findResourceType(
  group: string,
  version: string,
  plural: string,
) {
  return byPath.get(`${group}/${version}/${plural}`);
}

export function resourceTypeOfKind(kind: string): ResourceType {
  const t = byKind.get(kind);
  if (!t) throw new Error(`unknown kind ${kind}`);
  return t;
}

/** The groups and versions, for /api and /apis discovery. */
export function groupVersions() {
  const groups = new Map<string, Set<string>>();
  for (const t of resourceTypes) {
    if (!groups.has(t.group)) groups.set(t.group, new Set());
    groups.get(t.group)!.add(t.version);
  }
  return groups;
}

export function apiResourceList(group: string, version: string) {
  const resources = [];
  for (const t of resourceTypes.filter(
    r => r.group === group && r.version === version,
  )) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs ?? verbs,
      ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories?.length ? { categories: t.categories } : {}),
      storageVersionHash: Buffer.from(`${group}/${t.plural}`)
        .toString('base64')
        .slice(0, 11),
    });
    for (const sub of t.subresources ?? []) {
      resources.push({
        name: `${t.plural}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

/** KubeVirt's aggregated subresource group: discovery lists only names. */
export const kubevirtSubresources = {
  virtualmachines: [
    'start',
    'stop',
    'restart',
    'migrate',
    'addvolume',
    'removevolume',
  ],
  virtualmachineinstances: [
    'pause',
    'unpause',
    'softreboot',
    'addvolume',
    'removevolume',
    'console',
    'vnc',
    'vnc/screenshot',
    'guestosinfo',
    'userlist',
    'filesystemlist',
  ],
};
