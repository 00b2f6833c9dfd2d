import { resourceTypeOfKind } from './resources';
import type { ResourceType } from './resources';
import {
  FOREGROUND_FINALIZER,
  ORPHAN_FINALIZER,
  PropagationPolicy,
} from './deletion';
import { AfterChanges } from './afterChanges';
import type { KubeObject, Store, StoreEvent } from './store';

type OwnerRef = NonNullable<KubeObject['metadata']['ownerReferences']>[number];

const kindType = (kind: string): ResourceType | undefined => {
  try {
    return resourceTypeOfKind(kind);
  } catch {
    return undefined;
  }
};
const typeOf = (obj: KubeObject) => kindType(obj.kind);
const ownerTypeOf = (ref: OwnerRef) => kindType(ref.kind);
/** attemptToDeleteItem: a GC finalizer already on the object is honoured, background otherwise. */
function policyOwnFinalizersAskFor(finalizers: string[]): PropagationPolicy {
  if (finalizers.includes(ORPHAN_FINALIZER)) return 'Orphan';
  if (finalizers.includes(FOREGROUND_FINALIZER)) return 'Foreground';
  return 'Background';
}

/**
 * The garbage collector (pkg/controller/garbagecollector), run after each
 * change, not inside it, as the real one watches and acts later:
 * - an owner marked with `orphan` has the references to it removed from
 *   its dependents, then loses the finalizer (orphanDependents);
 * - an owner marked with `foregroundDeletion` has its dependents that
 *   block it (ownerReference.blockOwnerDeletion) deleted, in the
 *   foreground themselves when they own others, and loses the finalizer
 *   once none is left (processDeletingDependentsItem);
 * - a dependent whose owners are all gone is deleted, with the policy its
 *   own GC finalizers ask for, background otherwise; one that still has a
 *   live owner only loses the references to the gone ones
 *   (attemptToDeleteItem).
 */
export class GarbageCollector {
  private readonly owners = new AfterChanges(k =>
    this.processOwner(this.get(k)),
  );
  private readonly dependents = new AfterChanges(k =>
    this.processDependent(this.get(k)),
  );
  private unsubscribe?: () => void;

  constructor(private readonly store: Store) {}

  start() {
    this.unsubscribe = this.store.subscribe(e => this.observe(e));
  }

  stop() {
    this.unsubscribe?.();
    this.owners.clear();
    this.dependents.clear();
  }

  /** Whether nothing is waiting to be collected. */
  get idle() {
    return this.owners.idle && this.dependents.idle;
  }

  private observe(e: StoreEvent) {
    const { metadata } = e.object;
    const key = (o: KubeObject) =>
      JSON.stringify([
        o.apiVersion,
        o.kind,
        o.metadata.namespace ?? '',
        o.metadata.name,
      ]);
    if (e.type === 'DELETED') {
      for (const dependent of this.store.dependentsOf(metadata.uid!))
        this.dependents.add(key(dependent));
    } else if (
      metadata.deletionTimestamp &&
      metadata.finalizers?.some(
        f => f === ORPHAN_FINALIZER || f === FOREGROUND_FINALIZER,
      )
    ) {
      this.owners.add(key(e.object));
    }
    if (e.type === 'ADDED' && metadata.ownerReferences?.length)
      this.dependents.add(key(e.object));
    // a dependent that goes or lets go of its owner may unblock an owner waiting in the foreground
    for (const ref of metadata.ownerReferences ?? []) {
      const owner = this.ownerOf(e.object, ref);
      if (owner?.metadata.finalizers?.includes(FOREGROUND_FINALIZER))
        this.owners.add(key(owner));
    }
  }

  private get(key: string): KubeObject | undefined {
    const [apiVersion, kind, namespace, name] = JSON.parse(key);
    const type = typeOf({ apiVersion, kind, metadata: { name } });
    return type
      ? this.store.get(type, namespace || undefined, name)
      : undefined;
  }

  /** The live owner a reference names, if it is there with that uid. */
  private ownerOf(dependent: KubeObject, ref: OwnerRef) {
    const type = ownerTypeOf(ref);
    if (!type) return undefined;
    const owner = this.store.get(
      type,
      type.namespaced ? dependent.metadata.namespace : undefined,
      ref.name,
    );
    return owner?.metadata.uid === ref.uid ? owner : undefined;
  }

  private processOwner(owner: KubeObject | undefined) {
    if (!owner?.metadata.deletionTimestamp) return;
    const uid = owner.metadata.uid!;
    const finalizers = owner.metadata.finalizers ?? [];
    const dependents = this.store.dependentsOf(uid);
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const d of dependents) this.dropReferences(d, r => r.uid === uid);
      this.removeFinalizer(owner, ORPHAN_FINALIZER);
      return;
    }
    if (!finalizers.includes(FOREGROUND_FINALIZER)) return;
    const blocking = dependents.filter(d =>
      d.metadata.ownerReferences!.some(
        r => r.uid === uid && r.blockOwnerDeletion,
      ),
    );
    if (!blocking.length) {
      this.removeFinalizer(owner, FOREGROUND_FINALIZER);
      return;
    }
    for (const d of blocking) {
      if (d.metadata.deletionTimestamp) continue;
      const type = typeOf(d)!;
      this.store.delete(type, d.metadata.namespace, d.metadata.name, {
        propagationPolicy: this.store.dependentsOf(d.metadata.uid!).length
          ? 'Foreground'
          : 'Background',
        preconditionUid: d.metadata.uid,
      });
    }
  }

  private processDependent(dependent: KubeObject | undefined) {
    const refs = dependent?.metadata.ownerReferences;
    if (!dependent || !refs?.length) return;
    const unknown = refs.filter(r => !ownerTypeOf(r));
    const live = refs.filter(r => this.ownerOf(dependent, r));
    // an owner of a kind this cluster does not serve cannot be looked up: the real GC retries, never deletes
    if (unknown.length) return;
    if (live.length === refs.length) return;
    if (live.length) {
      this.dropReferences(dependent, r => !live.includes(r));
      return;
    }
    if (dependent.metadata.deletionTimestamp) return;
    const finalizers = dependent.metadata.finalizers ?? [];
    this.store.delete(
      typeOf(dependent)!,
      dependent.metadata.namespace,
      dependent.metadata.name,
      {
        propagationPolicy: policyOwnFinalizersAskFor(finalizers),
        preconditionUid: dependent.metadata.uid,
      },
    );
  }

  private dropReferences(obj: KubeObject, drop: (r: OwnerRef) => boolean) {
    const refs = (obj.metadata.ownerReferences ?? []).filter(r => !drop(r));
    const { ownerReferences: _, ...metadata } = obj.metadata;
    this.write({
      ...obj,
      metadata: refs.length ? { ...metadata, ownerReferences: refs } : metadata,
    } as KubeObject);
  }

  private removeFinalizer(obj: KubeObject, finalizer: string) {
    this.write({
      ...obj,
      metadata: {
        ...obj.metadata,
        finalizers: (obj.metadata.finalizers ?? []).filter(
          f => f !== finalizer,
        ),
      },
    });
  }

  private write(obj: KubeObject) {
    this.store.update(typeOf(obj)!, obj, { internal: true });
  }
}
