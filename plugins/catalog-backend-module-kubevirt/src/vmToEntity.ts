import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ResourceEntityV1alpha1,
} from '@backstage/catalog-model';
import {
  KUBERNETES_ID_LABEL,
  VM_CLUSTER_ANNOTATION,
  VM_ENTITY_TYPE,
  VM_LOCATION_TYPE,
  VM_NAME_ANNOTATION,
  VM_NAMESPACE_ANNOTATION,
  VM_OWNER_KEYS,
  vmEntityName,
  VmSummary,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { toOwnerRef } from './ownerRef';

/** A catalog component that a VM serves, found by its `backstage.io/kubernetes-id`. */
export interface ServedComponent {
  ref: string;
  /** Full entity refs, resolved against the component's namespace. */
  owner?: string;
  system?: string;
}

export interface EntityOptions {
  namespaceOwners: Map<string, string>;
  defaultOwner: string;
  appBaseUrl?: string;
  /** Called for VM data that cannot be used, e.g. an owner annotation that is not an entity ref. */
  warn?: (message: string) => void;
}

export type StatusClass =
  | 'running'
  | 'stopped'
  | 'paused'
  | 'pending'
  | 'error'
  | 'unknown';

const statusClasses: Record<string, StatusClass> = {
  Running: 'running',
  Stopped: 'stopped',
  Paused: 'paused',
  Provisioning: 'pending',
  Starting: 'pending',
  Stopping: 'pending',
  Terminating: 'pending',
  Migrating: 'pending',
  WaitingForVolumeBinding: 'pending',
  WaitingForReceiver: 'pending',
  Unknown: 'unknown',
};

/** KubeVirt's printableStatus reduced to what a tag filter needs; every Err*, *BackOff, *Error is an error. */
export function statusClass(status: string): StatusClass {
  if (statusClasses[status]) return statusClasses[status];
  if (/^Err|Error|BackOff|Unschedulable|NotFound|Fail/.test(status))
    return 'error';
  return 'unknown';
}

/** A tag as the catalog accepts it (`[a-z0-9:+#]` words joined by `-`, at most 63 characters). */
function tag(value: string): string | undefined {
  const t = value
    .toLowerCase()
    .replace(/[^a-z0-9:+#]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return t || undefined;
}

function ownerOf(
  vm: VmSummary,
  options: EntityOptions,
  components: ServedComponent[],
): string {
  for (const [source, values] of [
    ['annotation', vm.annotations ?? {}],
    ['label', vm.labels],
  ] as const) {
    for (const key of VM_OWNER_KEYS) {
      const value = values[key];
      if (!value) continue;
      try {
        return toOwnerRef(value);
      } catch {
        options.warn?.(
          `VM ${vm.namespace}/${vm.name} on cluster ${vm.cluster}: ${source} ${key}="${value}" is not an entity ref; ignored`,
        );
      }
    }
  }
  return (
    options.namespaceOwners.get(`${vm.cluster}/${vm.namespace}`) ??
    options.namespaceOwners.get(vm.namespace) ??
    components.find(c => c.owner)?.owner ??
    options.defaultOwner
  );
}

function describe(vm: VmSummary): string {
  const size = [
    vm.cpu ? `${vm.cpu} vCPU` : undefined,
    vm.memory ? `${vm.memory} memory` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return `${vm.os ?? 'Virtual machine'}${size ? ` (${size})` : ''}; VM ${
    vm.name
  } in namespace ${vm.namespace} on cluster ${vm.cluster}`;
}

/** The portal's page of one VM. */
export function vmPageUrl(
  vm: { cluster: string; namespace: string; name: string },
  appBaseUrl = '',
) {
  const enc = encodeURIComponent;
  return `${appBaseUrl}/virtual-machines/${enc(vm.cluster)}/${enc(
    vm.namespace,
  )}/${enc(vm.name)}`;
}

/**
 * One VM as a `Resource` entity of type `virtual-machine`.
 *
 * Owner, first match wins: the VM's own `kubevirt.backstage.io/owner` or
 * `backstage.io/owner` (annotation, then label), the namespace mapping
 * (`<cluster>/<namespace>`, then `<namespace>`), the owner of the component it
 * serves, the default owner. `system` and `dependencyOf` come from the
 * components carrying the VM's `backstage.io/kubernetes-id`.
 */
export function vmToEntity(
  vm: VmSummary,
  components: ServedComponent[],
  options: EntityOptions,
): ResourceEntityV1alpha1 {
  const location = `${VM_LOCATION_TYPE}:${vm.cluster}`;
  const os = vm.annotations?.['vm.kubevirt.io/os'] ?? vm.preference ?? vm.os;
  const tags = [
    ...new Set(
      [os ? tag(os) : undefined, statusClass(vm.status)].filter(
        (t): t is string => !!t,
      ),
    ),
  ];
  const system = components.find(c => c.system)?.system;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: vmEntityName(vm),
      namespace: 'default',
      title: vm.name,
      description: describe(vm),
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [VM_CLUSTER_ANNOTATION]: vm.cluster,
        [VM_NAMESPACE_ANNOTATION]: vm.namespace,
        [VM_NAME_ANNOTATION]: vm.name,
        ...(vm.kubernetesId ? { [KUBERNETES_ID_LABEL]: vm.kubernetesId } : {}),
      },
      tags,
      links: [
        {
          url: vmPageUrl(vm, options.appBaseUrl),
          title: 'Virtual machine page',
          icon: 'dashboard',
        },
      ],
    },
    spec: {
      type: VM_ENTITY_TYPE,
      owner: ownerOf(vm, options, components),
      ...(system ? { system } : {}),
      ...(components.length
        ? { dependencyOf: components.map(c => c.ref) }
        : {}),
    },
  };
}
