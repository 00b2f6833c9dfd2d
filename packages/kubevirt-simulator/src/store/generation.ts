import type { ResourceType } from './resources';

/**
 * Whether objects of a kind carry metadata.generation: custom resources
 * (the CRD strategy's PrepareForCreate sets it) and the workload kinds whose
 * strategies set it (apps, batch, autoscaling, networking). Core kinds such
 * as Event, Pod, Namespace and ConfigMap have none in 1.32, nor have RBAC
 * kinds or storage classes.
 */
const withoutGeneration = new Set([
  '',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
]);

export function hasGeneration(type: ResourceType): boolean {
  return !withoutGeneration.has(type.group);
}
