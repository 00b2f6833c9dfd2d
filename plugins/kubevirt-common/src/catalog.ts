/**
 * How VMs appear in the software catalog: the annotations the catalog
 * provider writes on each VM entity, and the entity name of a VM, so that the
 * VM page, the scaffolder and the provider agree without asking each other.
 */

/** Cluster of the VM, as the broker names it (`kubernetes.clusterLocatorMethods[].clusters[].name`). */
export const VM_CLUSTER_ANNOTATION = 'kubevirt.io/cluster';
/** Kubernetes namespace of the VM. */
export const VM_NAMESPACE_ANNOTATION = 'kubevirt.io/namespace';
/** Kubernetes name of the VM (`metadata.name` of the VirtualMachine). */
export const VM_NAME_ANNOTATION = 'kubevirt.io/name';

/** `spec.type` of the `Resource` entities the provider emits. */
export const VM_ENTITY_TYPE = 'virtual-machine';

/** Location type of VM entities: `kubevirt:<cluster>` in managed-by-location and origin-location. */
export const VM_LOCATION_TYPE = 'kubevirt';

/**
 * Owner of a VM, as a VM label (a group name) or annotation (an entity ref);
 * the annotation wins. The catalog provider reads both.
 */
export const VM_OWNER_KEYS = [
  'kubevirt.backstage.io/owner',
  'backstage.io/owner',
] as const;

const MAX_NAME = 63;

// FNV-1a, 32 bit: isomorphic, deterministic and enough to keep truncated names apart
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The catalog entity name of a VM (entity namespace `default`), read like a
 * Kubernetes DNS name: `<name>.<namespace>.<cluster>`, e.g.
 * `payments-db-0.payments.local-sim`.
 *
 * It depends on the VM alone, never on which other VMs exist, so that a VM
 * keeps its entity (and its relations and links) when a namesake appears in
 * another cluster, and so a deletion can be applied without a lookup.
 * Namespaces have no dots and the cluster part is reduced to `[a-z0-9-]`, so
 * the name is unambiguous. When the cluster name had to be changed to fit, or
 * the whole is longer than 63 characters, the name is cut and ends in `-`
 * plus 8 hex digits of a hash of `cluster/namespace/name`.
 */
export function vmEntityName(ref: {
  cluster: string;
  namespace: string;
  name: string;
}): string {
  const cluster =
    ref.cluster
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'cluster';
  const full = `${ref.name}.${ref.namespace}.${cluster}`;
  if (cluster === ref.cluster && full.length <= MAX_NAME) return full;
  const hash = fnv1a(`${ref.cluster}/${ref.namespace}/${ref.name}`);
  const head = full
    .slice(0, MAX_NAME - hash.length - 1)
    .replace(/[^a-z0-9]+$/i, '');
  return `${head}-${hash}`;
}

/** The entity ref of a VM's catalog entity. */
export function vmEntityRef(ref: {
  cluster: string;
  namespace: string;
  name: string;
}): string {
  return `resource:default/${vmEntityName(ref)}`;
}
