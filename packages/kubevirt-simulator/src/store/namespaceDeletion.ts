import type { KubeObject } from './store';

/** The namespace finalizer the namespace controller removes once the namespace is empty. */
export const KUBERNETES_FINALIZER = 'kubernetes';

/**
 * A namespace on its first delete (pkg/registry/core/namespace/storage
 * REST.Delete): deletionTimestamp and phase Terminating, answered with the
 * namespace and kept until spec.finalizers is empty; the GC finalizers
 * the policy asks for are set as for any object. Undefined when the
 * namespace may go now (already terminating with no spec finalizers left).
 */
export function terminatingNamespace(
  current: KubeObject,
  finalizers: string[],
  now: string,
): KubeObject | undefined {
  if (current.metadata.deletionTimestamp && !current.spec?.finalizers?.length)
    return undefined;
  const { finalizers: _, ...metadata } = current.metadata;
  return {
    ...current,
    metadata: {
      ...metadata,
      ...(finalizers.length ? { finalizers } : {}),
      deletionTimestamp: current.metadata.deletionTimestamp ?? now,
    },
    status: { ...current.status, phase: 'Terminating' },
  };
}

/** storage.go ShouldDeleteNamespaceDuringUpdate: a namespace also waits for spec.finalizers. */
export const namespaceHeld = (obj: KubeObject) =>
  obj.kind === 'Namespace' && !!obj.spec?.finalizers?.length;

/**
 * namespace strategy PrepareForCreate: phase Active, the `kubernetes`
 * finalizer, and the kubernetes.io/metadata.name label.
 */
export function newNamespace(obj: KubeObject): KubeObject {
  const finalizers: string[] = obj.spec?.finalizers ?? [];
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      labels: {
        ...obj.metadata.labels,
        'kubernetes.io/metadata.name': obj.metadata.name,
      },
    },
    spec: {
      ...obj.spec,
      finalizers: finalizers.includes(KUBERNETES_FINALIZER)
        ? finalizers
        : [...finalizers, KUBERNETES_FINALIZER],
    },
    status: { phase: 'Active' },
  };
}
