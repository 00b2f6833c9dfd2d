import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import {
  KUBEVIRT_NAMESPACE_RESOURCE_TYPE,
  KUBEVIRT_VM_RESOURCE_TYPE,
} from '@kubevirt-backstage/plugin-kubevirt-common';

/**
 * What permission rules see of a VM. The broker builds it from its cache;
 * `owners` are the catalog owners (spec.owner refs) of the entities whose
 * `backstage.io/kubernetes-id` the VM carries.
 */
export interface KubevirtVmResource {
  cluster: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  owners: string[];
}

/** What permission rules see of a place to create VMs in. */
export interface KubevirtNamespaceResource {
  cluster: string;
  namespace: string;
}

/** A filter the broker can apply to its cache instead of testing VMs one by one. */
export type KubevirtScopeQuery =
  | { property: 'cluster'; values: string[] }
  | { property: 'namespace'; values: string[] }
  | { property: 'owner'; values: string[] };

export const kubevirtVmResourceRef = createPermissionResourceRef<
  KubevirtVmResource,
  KubevirtScopeQuery
>().with({ pluginId: 'kubevirt', resourceType: KUBEVIRT_VM_RESOURCE_TYPE });

export const kubevirtNamespaceResourceRef = createPermissionResourceRef<
  KubevirtNamespaceResource,
  KubevirtScopeQuery
>().with({
  pluginId: 'kubevirt',
  resourceType: KUBEVIRT_NAMESPACE_RESOURCE_TYPE,
});

/** `<cluster>/<namespace>/<name>`: the resource ref of a VM. */
export function vmResourceRef(vm: {
  cluster: string;
  namespace: string;
  name: string;
}): string {
  return `${vm.cluster}/${vm.namespace}/${vm.name}`;
}

/** `<cluster>/<namespace>`: the resource ref of a namespace to create VMs in. */
export function namespaceResourceRef(ns: {
  cluster: string;
  namespace: string;
}): string {
  return `${ns.cluster}/${ns.namespace}`;
}

export function parseVmResourceRef(
  ref: string,
): { cluster: string; namespace: string; name: string } | undefined {
  const parts = ref.split('/');
  if (parts.length !== 3 || parts.some(p => !p)) return undefined;
  const [cluster, namespace, name] = parts;
  return { cluster, namespace, name };
}

export function parseNamespaceResourceRef(
  ref: string,
): { cluster: string; namespace: string } | undefined {
  const parts = ref.split('/');
  if (parts.length !== 2 || parts.some(p => !p)) return undefined;
  const [cluster, namespace] = parts;
  return { cluster, namespace };
}
