import { errors } from '../api/errors';
import type { KubeObject } from './store';
import type { ResourceType } from './resources';

/** The garbage collector's finalizers (metav1.FinalizerOrphanDependents, FinalizerDeleteDependents). */
export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

const policies = new Set(['Orphan', 'Background', 'Foreground']);

/** Reads DeleteOptions.propagationPolicy, refusing what the apiserver's validation refuses. */
export function propagationPolicyOf(
  value: unknown,
): PropagationPolicy | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !policies.has(value)) {
    // apimachinery validation.ValidateDeleteOptions
    throw errors.invalid('DeleteOptions', 'meta.k8s.io', '', [
      {
        field: 'propagationPolicy',
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: "${String(
          value,
        )}": supported values: "Foreground", "Background", "Orphan"`,
      },
    ]);
  }
  return value as PropagationPolicy;
}

/**
 * The finalizers an object has after a delete with this policy: registry
 * store.go deletionFinalizersForGarbageCollection. An explicit policy
 * replaces the GC finalizers; without one, those already set stay (a
 * custom resource's default policy is to delete dependents in the
 * background, which needs no finalizer).
 */
export function finalizersAfterDelete(
  finalizers: string[] | undefined,
  policy: PropagationPolicy | undefined,
): string[] {
  const current = finalizers ?? [];
  if (!policy) return current;
  const kept = current.filter(
    f => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER,
  );
  if (policy === 'Orphan') kept.push(ORPHAN_FINALIZER);
  if (policy === 'Foreground') kept.push(FOREGROUND_FINALIZER);
  return kept;
}

/**
 * The object as a delete that must wait for finalizers leaves it: store.go
 * markAsDeleting (deletionTimestamp kept once set, grace period 0, the
 * generation bumped once).
 */
export function markedForDeletion(
  current: KubeObject,
  finalizers: string[],
  now: string,
): KubeObject {
  const already = !!current.metadata.deletionTimestamp;
  return {
    ...current,
    metadata: {
      ...current.metadata,
      finalizers,
      deletionTimestamp: current.metadata.deletionTimestamp ?? now,
      deletionGracePeriodSeconds: 0,
      ...(current.metadata.generation && !already
        ? { generation: current.metadata.generation + 1 }
        : {}),
    },
  };
}

/**
 * What the apiserver answers for a delete that removed the object:
 * store.go finalizeDelete. Registries with ReturnDeletedObject (pods,
 * namespaces, services, persistent volumes and claims, storage classes)
 * answer the object; every other one, custom resources included, a Status
 * whose details.kind is the resource (sic, as the apiserver sets it).
 */
const returnsDeletedObject = new Set([
  '/pods',
  '/namespaces',
  '/services',
  '/persistentvolumes',
  '/persistentvolumeclaims',
  '/serviceaccounts',
  'storage.k8s.io/storageclasses',
]);

export function deletedResponse(type: ResourceType, object: KubeObject) {
  if (returnsDeletedObject.has(`${type.group}/${type.plural}`)) return object;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: object.metadata.name,
      ...(type.group ? { group: type.group } : {}),
      kind: type.plural,
      uid: object.metadata.uid,
    },
  };
}

/**
 * metadata validation ValidateObjectMetaUpdate: an object being deleted
 * may lose finalizers but never gain one.
 */
export function checkNoNewFinalizers(
  type: ResourceType,
  current: KubeObject,
  next: KubeObject,
) {
  if (!current.metadata.deletionTimestamp) return;
  const had = new Set(current.metadata.finalizers ?? []);
  const extra = [...new Set(next.metadata.finalizers ?? [])]
    .filter(f => !had.has(f))
    .sort();
  if (!extra.length) return;
  throw errors.invalid(type.kind, type.group, current.metadata.name, [
    {
      field: 'metadata.finalizers',
      reason: 'FieldValueForbidden',
      message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra
        .map(f => JSON.stringify(f))
        .join(', ')}}`,
    },
  ]);
}
