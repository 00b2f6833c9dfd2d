import {
  KUBERNETES_ID_LABEL,
  VmSummary,
  vmPrintableStatus,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubeObject } from '../cache/ResourceCache';

const sizes: Record<string, { cpu: number; memory: string }> = {
  'u1.small': { cpu: 1, memory: '2Gi' },
  'u1.medium': { cpu: 1, memory: '4Gi' },
  'u1.large': { cpu: 2, memory: '8Gi' },
  'u1.xlarge': { cpu: 4, memory: '16Gi' },
};

/** What a list row shows of a VM, from the VM and (when it runs) its instance. */
export function summarize(
  cluster: string,
  vm: KubeObject,
  vmi?: KubeObject,
): Omit<VmSummary, 'allowedOperations'> {
  const spec = vm.spec ?? {};
  const domain = (vmi?.spec ?? spec.template?.spec)?.domain ?? {};
  const instancetype = spec.instancetype?.name as string | undefined;
  const cpu = domain.cpu
    ? (domain.cpu.sockets ?? 1) *
      (domain.cpu.cores ?? 1) *
      (domain.cpu.threads ?? 1)
    : instancetype && sizes[instancetype]?.cpu;
  const memory =
    domain.memory?.guest ??
    domain.resources?.requests?.memory ??
    (instancetype && sizes[instancetype]?.memory);
  const os =
    vmi?.status?.guestOSInfo?.prettyName ??
    (vm.metadata.annotations as Record<string, string> | undefined)?.[
      'vm.kubevirt.io/os'
    ] ??
    spec.preference?.name;
  return {
    cluster,
    namespace: vm.metadata.namespace ?? '',
    name: vm.metadata.name,
    uid: vm.metadata.uid ?? '',
    status: vmPrintableStatus(vm),
    ready: !!vm.status?.ready,
    runStrategy: spec.runStrategy ?? legacyRunStrategy(spec.running),
    node: vmi?.status?.nodeName,
    ipAddresses: (vmi?.status?.interfaces ?? []).flatMap(
      (i: { ipAddresses?: string[]; ipAddress?: string }) =>
        i.ipAddresses ?? (i.ipAddress ? [i.ipAddress] : []),
    ),
    cpu: cpu || undefined,
    memory,
    os,
    instancetype,
    preference: spec.preference?.name,
    kubernetesId: vm.metadata.labels?.[KUBERNETES_ID_LABEL],
    labels: vm.metadata.labels ?? {},
    annotations: withoutLastApplied(
      vm.metadata.annotations as Record<string, string> | undefined,
    ),
    created: vm.metadata.creationTimestamp as string | undefined,
    resourceVersion: vm.metadata.resourceVersion,
  };
}

// `running: true|false` is the deprecated spelling of runStrategy Always|Halted
function legacyRunStrategy(running: boolean | undefined) {
  if (running === undefined) return undefined;
  return running ? 'Always' : 'Halted';
}

// kubectl's copy of the whole manifest would double every row's size
function withoutLastApplied(annotations: Record<string, string> | undefined) {
  if (!annotations) return {};
  const {
    'kubectl.kubernetes.io/last-applied-configuration': _omitted,
    ...rest
  } = annotations;
  return rest;
}
