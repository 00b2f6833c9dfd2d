import { KubeConfig, Watch } from '@kubernetes/client-node';

/**
 * When each printableStatus of one VM appeared in the cluster, seen through a watch of the
 * cluster's API with @kubernetes/client-node (the kubeconfig the simulator wrote): the reference
 * clock for how long a change takes to reach a browser.
 */
export async function watchVmStatus(
  kubeconfig: string,
  namespace: string,
  name: string,
) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const seen: { status: string; at: number }[] = [];
  const request = await new Watch(kc).watch(
    `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachines`,
    { fieldSelector: `metadata.name=${name}` },
    (_type, vm) => {
      const status = String(vm?.status?.printableStatus ?? '');
      if (seen.at(-1)?.status !== status) seen.push({ status, at: Date.now() });
    },
    () => {},
  );
  return {
    seen,
    /** the first time the VM left `status` in the cluster */
    left(status: string): number | undefined {
      const i = seen.findIndex(s => s.status === status);
      return i >= 0
        ? seen.slice(i + 1).find(s => s.status !== status)?.at
        : undefined;
    },
    stop: () => request.abort(),
  };
}
