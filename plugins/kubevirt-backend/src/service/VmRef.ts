/** One VM: the cluster it runs on (by configured name), its namespace and name. */
export interface VmRef {
  cluster: string;
  namespace: string;
  name: string;
}

/** How errors and messages name a VM. */
export const vmLabel = (ref: { namespace: string; name: string }) =>
  `Virtual machine ${ref.namespace}/${ref.name}`;
