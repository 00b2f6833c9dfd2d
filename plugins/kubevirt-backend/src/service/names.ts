import { InputError } from '@backstage/errors';
import {
  isKubernetesName,
  KubernetesNameKind,
  kubernetesNameProblem,
} from '@kubevirt-backstage/plugin-kubevirt-common';

/** Throws a 400 naming what is wrong unless `value` is a valid name of this kind. */
export function assertName(
  kind: KubernetesNameKind,
  value: unknown,
): asserts value is string {
  const problem = kubernetesNameProblem(kind, value);
  if (problem) throw new InputError(`Invalid request: ${problem}`);
}

/** Cluster, namespace and VM name of a VM reference, each as the name it is. */
export function assertVmRef(ref: {
  cluster: unknown;
  namespace: unknown;
  name: unknown;
}) {
  assertName('cluster', ref.cluster);
  assertName('namespace', ref.namespace);
  assertName('vm', ref.name);
}

/** True when the reference's three names are each valid; for lookups that answer "no such VM" instead of an error. */
export function isValidVmRef(ref: {
  cluster: unknown;
  namespace: unknown;
  name: unknown;
}) {
  return (
    isKubernetesName('cluster', ref.cluster) &&
    isKubernetesName('namespace', ref.namespace) &&
    isKubernetesName('vm', ref.name)
  );
}

/** Route parameters and the kind of name each one carries. */
export const routeParamKinds: Record<string, KubernetesNameKind> = {
  cluster: 'cluster',
  namespace: 'namespace',
  name: 'vm',
  snapshot: 'snapshot',
  template: 'template',
  volume: 'volume',
  interface: 'interface',
  node: 'node',
};
