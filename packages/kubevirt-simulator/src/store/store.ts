import crypto from 'node:crypto';
import { errors } from '../api/errors';
import { ResourceType, apiVersionOf } from './resources';
import {
  PropagationPolicy,
  checkNoNewFinalizers,
  finalizersAfterDelete,
  markedForDeletion,
} from './deletion';
import { hasGeneration } from './generation';
import {
  namespaceHeld,
  newNamespace,
  terminatingNamespace,
} from './namespaceDeletion';
import { WatchWindow } from './watchWindow';
import {
  FieldRequirement,
  Requirement,
  matchesFields,
  matchesLabels,
} from '../api/selectors';

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    ownerReferences?: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
      blockOwnerDeletion?: boolean;
    }[];
    generateName?: string;
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: any;
};

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  typeKey: string;
  object: KubeObject;
  rv: number;
}

type Listener = (event: StoreEvent) => void;

const typeKeyOf = (t: ResourceType) => `${t.group}/${t.plural}`;
const objectKey = (namespace: string | undefined, name: string) =>
  `${namespace ?? ''}/${name}`;

interface Bucket {
  type: ResourceType;
  objects: Map<string, KubeObject>;
  byNamespace: Map<string, Set<string>>;
  byLabel: Map<string, Set<string>>;
}

export interface ListOptions {
  namespace?: string;
  labels?: Requirement[];
  fields?: FieldRequirement[];
  limit?: number;
  continueToken?: string;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: PropagationPolicy;
  preconditionUid?: string;
  preconditionResourceVersion?: string;
}

/** What a delete did: removed the object, or left it waiting for finalizers. */
export interface DeleteOutcome {
  object: KubeObject;
  removed: boolean;
}

/**
 * All objects, one global resourceVersion counter (as etcd's revision), a
 * window of recent changes per resource for watches (as the watch cache
 * keeps), and indexes by namespace and label so that selected lists do not
 * scan every object.
 */
export class Store {
  private revision = 1;
  private readonly buckets = new Map<string, Bucket>();
  private readonly windows = new Map<string, WatchWindow<StoreEvent>>();
  /** Dependents by owner uid (`<typeKey>\n<key>`), for the garbage collector. */
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly listeners = new Set<Listener>();
  /** Watches asking for a version older than this get 410 Gone. */
  private compactedRevision = 0;
  onChange?: () => void;

  get resourceVersion() {
    return String(this.revision);
  }

  private bucket(type: ResourceType): Bucket {
    const key = typeKeyOf(type);
    let b = this.buckets.get(key);
    if (!b) {
      b = {
        type,
        objects: new Map(),
        byNamespace: new Map(),
        byLabel: new Map(),
      };
      this.buckets.set(key, b);
    }
    return b;
  }

  private index(b: Bucket, key: string, obj: KubeObject, add: boolean) {
    const ns = obj.metadata.namespace ?? '';
    const touch = (
      map: Map<string, Set<string>>,
      k: string,
      entry: string = key,
    ) => {
      let set = map.get(k);
      if (add) {
        if (!set) map.set(k, (set = new Set()));
        set.add(entry);
      } else if (set) {
        set.delete(entry);
        if (!set.size) map.delete(k);
      }
    };
    touch(b.byNamespace, ns);
    for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
      touch(b.byLabel, `${k}=${v}`);
    }
    for (const ref of obj.metadata.ownerReferences ?? [])
      touch(this.byOwner, ref.uid, `${typeKeyOf(b.type)}\n${key}`);
  }

  private record(type: WatchEventType, b: Bucket, object: KubeObject) {
    const event: StoreEvent = {
      type,
      typeKey: typeKeyOf(b.type),
      object,
      rv: this.revision,
    };
    let window = this.windows.get(event.typeKey);
    if (!window) this.windows.set(event.typeKey, (window = new WatchWindow()));
    window.add(event.rv, event);
    for (const l of this.listeners) l(event);
    this.onChange?.();
  }

  /** Forgets all history so every watch from an older version gets 410 Gone. */
  compact() {
    this.compactedRevision = this.revision;
    this.windows.clear();
  }

  get(type: ResourceType, namespace: string | undefined, name: string) {
    return this.bucket(type).objects.get(objectKey(namespace, name));
  }

  mustGet(type: ResourceType, namespace: string | undefined, name: string) {
    const obj = this.get(type, namespace, name);
    if (!obj) throw errors.notFound(type.group, type.plural, name);
    return obj;
  }

  list(type: ResourceType, options: ListOptions = {}) {
    const b = this.bucket(type);
    // pick the smallest index that every match must be in
    let candidates: Set<string> | undefined;
    if (options.namespace !== undefined) {
      candidates = b.byNamespace.get(options.namespace) ?? new Set();
    }
    for (const r of options.labels ?? []) {
      if (r.op === 'in' && r.values.length === 1) {
        const set =
          b.byLabel.get(`${r.key}=${r.values[0]}`) ?? new Set<string>();
        if (!candidates || set.size < candidates.size) candidates = set;
      }
    }
    const keys: Iterable<string> = candidates ?? b.objects.keys();
    let start: string | undefined;
    if (options.continueToken) {
      try {
        start = JSON.parse(
          Buffer.from(options.continueToken, 'base64').toString('utf8'),
        ).start;
      } catch {
        throw errors.badRequest('continue key is not valid');
      }
    }
    const sorted = [...keys].sort();
    const items: KubeObject[] = [];
    let remaining = 0;
    let last: string | undefined;
    for (const key of sorted) {
      if (start !== undefined && key <= start) continue;
      const obj = b.objects.get(key)!;
      if (
        options.namespace !== undefined &&
        (obj.metadata.namespace ?? '') !== options.namespace
      )
        continue;
      if (options.labels && !matchesLabels(obj.metadata.labels, options.labels))
        continue;
      if (options.fields && !matchesFields(obj, options.fields)) continue;
      if (options.limit && items.length >= options.limit) {
        remaining++;
        continue;
      }
      items.push(obj);
      last = key;
    }
    const continueToken =
      remaining > 0
        ? Buffer.from(
            JSON.stringify({ start: last, rv: this.revision }),
          ).toString('base64')
        : undefined;
    return {
      items,
      resourceVersion: this.resourceVersion,
      continueToken,
      remaining,
    };
  }

  /** Adds an object as a create would, without validation (seed and controller). */
  create(
    type: ResourceType,
    input: KubeObject,
    options: { dryRun?: boolean } = {},
  ) {
    const b = this.bucket(type);
    const given = type.kind === 'Namespace' ? newNamespace(input) : input;
    const meta = { ...given.metadata };
    if (!meta.name && meta.generateName) {
      meta.name = `${meta.generateName}${crypto
        .randomBytes(3)
        .toString('hex')
        .slice(0, 5)}`;
    }
    const key = objectKey(
      type.namespaced ? meta.namespace : undefined,
      meta.name,
    );
    if (b.objects.has(key))
      throw errors.alreadyExists(type.group, type.plural, meta.name);
    if (!type.namespaced) delete meta.namespace;
    const obj: KubeObject = {
      ...given,
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      metadata: {
        ...meta,
        uid: crypto.randomUUID(),
        // a dry run stores nothing, so it has no version (etcd3 store Create)
        resourceVersion: options.dryRun ? undefined : String(this.revision + 1),
        generation: hasGeneration(type) ? 1 : undefined,
        creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    };
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.deletionGracePeriodSeconds;
    if (obj.metadata.resourceVersion === undefined)
      delete obj.metadata.resourceVersion;
    if (obj.metadata.generation === undefined) delete obj.metadata.generation;
    if (options.dryRun) return obj;
    this.revision++;
    b.objects.set(key, obj);
    this.index(b, key, obj, true);
    this.record('ADDED', b, obj);
    return obj;
  }

  /**
   * Replaces an object. A stale resourceVersion is a 409 Conflict; spec
   * changes bump metadata.generation; status-only writes keep the spec.
   */
  update(
    type: ResourceType,
    input: KubeObject,
    options: {
      dryRun?: boolean;
      subresource?: 'status';
      internal?: boolean;
    } = {},
  ) {
    const b = this.bucket(type);
    const ns = type.namespaced ? input.metadata.namespace : undefined;
    const key = objectKey(ns, input.metadata.name);
    const current = b.objects.get(key);
    if (!current)
      throw errors.notFound(type.group, type.plural, input.metadata.name);
    const rv = input.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) {
      throw errors.conflict(
        type.group,
        type.plural,
        input.metadata.name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    let next: KubeObject;
    if (options.subresource === 'status') {
      next = { ...current, status: input.status };
    } else if (type.subresources?.includes('status') && !options.internal) {
      // the main resource ignores status, as with a status subresource
      next = { ...input, status: current.status };
      if (next.status === undefined) delete next.status;
    } else {
      next = { ...input };
    }
    // a custom resource without a status subresource counts every change but metadata
    // (apiextensions customResourceStrategy.PrepareForUpdate), its status too
    const statusCounts =
      !type.builtin && !type.subresources?.includes('status');
    const specChanged =
      JSON.stringify(next.spec) !== JSON.stringify(current.spec) ||
      (statusCounts &&
        JSON.stringify(next.status) !== JSON.stringify(current.status));
    next = {
      ...next,
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      metadata: {
        // a status write keeps the old metadata but its managedFields, which track that write
        // (apiextensions-apiserver customresource statusStrategy.PrepareForUpdate)
        ...(options.subresource === 'status'
          ? {
              ...current.metadata,
              managedFields:
                input.metadata.managedFields ?? current.metadata.managedFields,
            }
          : next.metadata),
        name: current.metadata.name,
        namespace: current.metadata.namespace,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        deletionTimestamp: current.metadata.deletionTimestamp,
        deletionGracePeriodSeconds: current.metadata.deletionGracePeriodSeconds,
        generation: hasGeneration(type)
          ? (current.metadata.generation ?? 1) + (specChanged ? 1 : 0)
          : undefined,
        resourceVersion: String(this.revision + 1),
      },
    };
    if (!next.metadata.deletionTimestamp)
      delete next.metadata.deletionTimestamp;
    if (next.metadata.deletionGracePeriodSeconds === undefined)
      delete next.metadata.deletionGracePeriodSeconds;
    if (next.metadata.generation === undefined) delete next.metadata.generation;
    if (!next.metadata.finalizers?.length) delete next.metadata.finalizers;
    checkNoNewFinalizers(type, current, next);
    if (!next.metadata.namespace) delete next.metadata.namespace;
    if (
      JSON.stringify({
        ...next,
        metadata: { ...next.metadata, resourceVersion: '' },
      }) ===
      JSON.stringify({
        ...current,
        metadata: { ...current.metadata, resourceVersion: '' },
      })
    ) {
      return current; // no-op writes keep the version, as the apiserver does
    }
    if (options.dryRun) return next;
    // finalizers emptied on an object being deleted: it goes now
    if (
      next.metadata.deletionTimestamp &&
      !next.metadata.finalizers?.length &&
      !namespaceHeld(next)
    ) {
      this.revision++;
      this.removeNow(b, key, next);
      return next;
    }
    this.revision++;
    this.index(b, key, current, false);
    b.objects.set(key, next);
    this.index(b, key, next, true);
    this.record('MODIFIED', b, next);
    return next;
  }

  private removeNow(b: Bucket, key: string, obj: KubeObject) {
    const current = b.objects.get(key);
    if (current) this.index(b, key, current, false);
    b.objects.delete(key);
    const gone = {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(this.revision) },
    };
    this.record('DELETED', b, gone);
  }

  /** Objects whose ownerReferences name this uid, of every kind. */
  dependentsOf(ownerUid: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const entry of this.byOwner.get(ownerUid) ?? []) {
      const [typeKey, key] = entry.split('\n');
      const obj = this.buckets.get(typeKey)?.objects.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
  ): KubeObject {
    return this.deleteObject(type, namespace, name, options).object;
  }

  /**
   * The registry store's Delete (store.go): the GC finalizers the policy
   * asks for are set first; an object left with finalizers is only marked
   * (deletionTimestamp) and stays until they are removed, a second delete
   * of it changes nothing but those GC finalizers; without finalizers it
   * goes now. Dependents are the garbage collector's business.
   */
  deleteObject(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
  ): DeleteOutcome {
    const b = this.bucket(type);
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const current = b.objects.get(key);
    if (!current) throw errors.notFound(type.group, type.plural, name);
    const precondition = (what: string, wanted?: string, actual?: string) => {
      if (wanted && wanted !== actual)
        throw errors.conflict(
          type.group,
          type.plural,
          name,
          `Precondition failed: ${what} in precondition: ${wanted}, ${what} in object meta: ${actual}`,
        );
    };
    precondition('UID', options.preconditionUid, current.metadata.uid);
    precondition(
      'ResourceVersion',
      options.preconditionResourceVersion,
      current.metadata.resourceVersion,
    );
    const finalizers = finalizersAfterDelete(
      current.metadata.finalizers,
      options.propagationPolicy,
    );
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const terminating =
      type.kind === 'Namespace'
        ? terminatingNamespace(current, finalizers, now)
        : undefined;
    if (terminating || finalizers.length) {
      const marked = terminating ?? markedForDeletion(current, finalizers, now);
      if (JSON.stringify(marked.metadata) === JSON.stringify(current.metadata))
        return { object: current, removed: false };
      marked.metadata.resourceVersion = String(this.revision + 1);
      if (options.dryRun) return { object: marked, removed: false };
      this.revision++;
      this.index(b, key, current, false);
      b.objects.set(key, marked);
      this.index(b, key, marked, true);
      this.record('MODIFIED', b, marked);
      return { object: marked, removed: false };
    }
    if (options.dryRun) return { object: current, removed: true };
    this.revision++;
    this.removeNow(b, key, current);
    return { object: current, removed: true };
  }

  /** Events after `fromRv` for a type; throws 410 Expired when history no longer reaches back. */
  eventsSince(typeKey: string, fromRv: number): StoreEvent[] {
    if (fromRv < this.compactedRevision)
      throw errors.expired(`${fromRv} (${this.compactedRevision})`);
    return this.windows.get(typeKey)?.since(fromRv) ?? [];
  }

  subscribe(listener: Listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  typeKey(type: ResourceType) {
    return typeKeyOf(type);
  }

  count(type: ResourceType) {
    return this.bucket(type).objects.size;
  }

  snapshot() {
    const objects: { type: string; object: KubeObject }[] = [];
    for (const [key, b] of this.buckets) {
      for (const object of b.objects.values())
        objects.push({ type: key, object });
    }
    return { revision: this.revision, objects };
  }

  restore(
    data: { revision: number; objects: { type: string; object: KubeObject }[] },
    types: Map<string, ResourceType>,
  ) {
    this.clear();
    for (const { type, object } of data.objects) {
      const t = types.get(type);
      if (!t) continue;
      const b = this.bucket(t);
      const key = objectKey(object.metadata.namespace, object.metadata.name);
      b.objects.set(key, object);
      this.index(b, key, object, true);
    }
    this.revision = data.revision;
    this.compactedRevision = data.revision;
  }

  clear() {
    this.buckets.clear();
    this.windows.clear();
    this.byOwner.clear();
    this.compactedRevision = this.revision;
  }
}

export function typeKeyMap(types: ResourceType[]) {
  return new Map(types.map(t => [typeKeyOf(t), t]));
}
