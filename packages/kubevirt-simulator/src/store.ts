import crypto from 'node:crypto';
import { errors } from './errors';
import { ResourceType, apiVersionOf } from './resources';
import {
  FieldRequirement,
  Requirement,
  matchesFields,
  matchesLabels,
} from './selectors';

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

/**
 * All objects, one global resourceVersion counter (as etcd's revision), a
 * bounded history of changes for watches, and indexes by namespace and label
 * so that selected lists do not scan every object.
 */
export class Store {
  private revision = 1;
  private readonly buckets = new Map<string, Bucket>();
  private readonly history: StoreEvent[] = [];
  private historyStart = 0;
  private readonly listeners = new Set<Listener>();
  /** Watches asking for a version older than this get 410 Gone. */
  private compactedRevision = 0;
  onChange?: () => void;

  constructor(private readonly historyLimit = 20000) {}

  get resourceVersion() {
    return String(this.revision);
  }

  private bucket(type: ResourceType): Bucket {
    const key = typeKeyOf(type);
    let b = this.buckets.get(key);
    if (!b) {
      b = { type, objects: new Map(), byNamespace: new Map(), byLabel: new Map() };
      this.buckets.set(key, b);
    }
    return b;
  }

  private index(b: Bucket, key: string, obj: KubeObject, add: boolean) {
    const ns = obj.metadata.namespace ?? '';
    const touch = (map: Map<string, Set<string>>, k: string) => {
      let set = map.get(k);
      if (add) {
        if (!set) map.set(k, (set = new Set()));
        set.add(key);
      } else if (set) {
        set.delete(key);
        if (!set.size) map.delete(k);
      }
    };
    touch(b.byNamespace, ns);
    for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
      touch(b.byLabel, `${k}=${v}`);
    }
  }

  private record(type: WatchEventType, b: Bucket, object: KubeObject) {
    const event: StoreEvent = { type, typeKey: typeKeyOf(b.type), object, rv: this.revision };
    this.history.push(event);
    if (this.history.length - this.historyStart > this.historyLimit) {
      this.compactedRevision = this.history[this.historyStart].rv;
      this.historyStart++;
      if (this.historyStart > this.historyLimit) {
        this.history.splice(0, this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const l of this.listeners) l(event);
    this.onChange?.();
  }

  /** Forgets all history so every watch from an older version gets 410 Gone. */
  compact() {
    this.compactedRevision = this.revision;
    this.history.length = 0;
    this.historyStart = 0;
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
        const set = b.byLabel.get(`${r.key}=${r.values[0]}`) ?? new Set<string>();
        if (!candidates || set.size < candidates.size) candidates = set;
      }
    }
    const keys: Iterable<string> = candidates ?? b.objects.keys();
    let start: string | undefined;
    if (options.continueToken) {
      try {
        start = JSON.parse(Buffer.from(options.continueToken, 'base64').toString('utf8')).start;
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
      if (options.namespace !== undefined && (obj.metadata.namespace ?? '') !== options.namespace) continue;
      if (options.labels && !matchesLabels(obj.metadata.labels, options.labels)) continue;
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
        ? Buffer.from(JSON.stringify({ start: last, rv: this.revision })).toString('base64')
        : undefined;
    return { items, resourceVersion: this.resourceVersion, continueToken, remaining };
  }

  /** Adds an object as a create would, without validation (seed and controller). */
  create(type: ResourceType, input: KubeObject, options: { dryRun?: boolean } = {}) {
    const b = this.bucket(type);
    const meta = { ...input.metadata };
    if (!meta.name && meta.generateName) {
      meta.name = `${meta.generateName}${crypto.randomBytes(3).toString('hex').slice(0, 5)}`;
    }
    const key = objectKey(type.namespaced ? meta.namespace : undefined, meta.name);
    if (b.objects.has(key)) throw errors.alreadyExists(type.group, type.plural, meta.name);
    if (!type.namespaced) delete meta.namespace;
    const obj: KubeObject = {
      ...input,
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      metadata: {
        ...meta,
        uid: crypto.randomUUID(),
        resourceVersion: String(options.dryRun ? this.revision : this.revision + 1),
        generation: 1,
        creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    };
    delete obj.metadata.deletionTimestamp;
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
    options: { dryRun?: boolean; subresource?: 'status'; internal?: boolean } = {},
  ) {
    const b = this.bucket(type);
    const ns = type.namespaced ? input.metadata.namespace : undefined;
    const key = objectKey(ns, input.metadata.name);
    const current = b.objects.get(key);
    if (!current) throw errors.notFound(type.group, type.plural, input.metadata.name);
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
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(current.spec);
    next = {
      ...next,
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      metadata: {
        ...(options.subresource === 'status' ? current.metadata : next.metadata),
        name: current.metadata.name,
        namespace: current.metadata.namespace,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        deletionTimestamp: current.metadata.deletionTimestamp,
        generation: (current.metadata.generation ?? 1) + (specChanged ? 1 : 0),
        resourceVersion: String(this.revision + 1),
      },
    };
    if (!next.metadata.deletionTimestamp) delete next.metadata.deletionTimestamp;
    if (!next.metadata.namespace) delete next.metadata.namespace;
    if (JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: '' } }) ===
        JSON.stringify({ ...current, metadata: { ...current.metadata, resourceVersion: '' } })) {
      return current; // no-op writes keep the version, as the apiserver does
    }
    if (options.dryRun) return next;
    // finalizers emptied on an object being deleted: it goes now
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length) {
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
    const gone = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.revision) } };
    this.record('DELETED', b, gone);
    this.collectGarbage(obj.metadata.uid!);
  }

  /** Owner-reference garbage collection: dependents of a deleted owner go too. */
  private collectGarbage(ownerUid: string) {
    for (const b of this.buckets.values()) {
      for (const obj of [...b.objects.values()]) {
        if (obj.metadata.ownerReferences?.some(o => o.uid === ownerUid)) {
          this.delete(b.type, obj.metadata.namespace, obj.metadata.name, {});
        }
      }
    }
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: { dryRun?: boolean; propagationPolicy?: string; preconditionUid?: string },
  ) {
    const b = this.bucket(type);
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const current = b.objects.get(key);
    if (!current) throw errors.notFound(type.group, type.plural, name);
    if (options.preconditionUid && options.preconditionUid !== current.metadata.uid) {
      throw errors.conflict(type.group, type.plural, name, `Precondition failed: UID in precondition: ${options.preconditionUid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (options.dryRun) return current;
    if (current.metadata.finalizers?.length) {
      if (current.metadata.deletionTimestamp) return current;
      this.revision++;
      const marked = {
        ...current,
        metadata: {
          ...current.metadata,
          deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          resourceVersion: String(this.revision),
        },
      };
      b.objects.set(key, marked);
      this.record('MODIFIED', b, marked);
      return marked;
    }
    this.revision++;
    if (options.propagationPolicy === 'Orphan') {
      const b2 = b;
      const current2 = b2.objects.get(key)!;
      this.index(b2, key, current2, false);
      b2.objects.delete(key);
      this.record('DELETED', b2, { ...current2, metadata: { ...current2.metadata, resourceVersion: String(this.revision) } });
      return current2;
    }
    this.removeNow(b, key, current);
    return current;
  }

  /** Events after `fromRv` for a type; throws 410 Expired when history no longer reaches back. */
  eventsSince(typeKey: string, fromRv: number): StoreEvent[] {
    if (fromRv < this.compactedRevision) throw errors.expired(String(fromRv));
    const out: StoreEvent[] = [];
    for (let i = this.historyStart; i < this.history.length; i++) {
      const e = this.history[i];
      if (e.rv > fromRv && e.typeKey === typeKey) out.push(e);
    }
    return out;
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
      for (const object of b.objects.values()) objects.push({ type: key, object });
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
    this.history.length = 0;
    this.historyStart = 0;
    this.compactedRevision = this.revision;
  }
}

export function typeKeyMap(types: ResourceType[]) {
  return new Map(types.map(t => [typeKeyOf(t), t]));
}
