/** Signals channels the broker publishes on; messages carry only `{ ref, status }`. */
export const kubevirtSignalChannels = {
  vm: (ref: { cluster: string; namespace: string; name: string }) =>
    `kubevirt:vm:${ref.cluster}/${ref.namespace}/${ref.name}`,
  entity: (kubernetesId: string) => `kubevirt:entity:${kubernetesId}`,
  clusters: 'kubevirt:clusters',
};
