import { StatusError } from './errors';
import {
  ResourceType,
  resourceTypeOfKind,
  resourceTypes,
} from '../store/resources';
import { KUBERNETES_FINALIZER } from '../store/namespaceDeletion';
import type { KubeObject, Store, StoreEvent } from '../store/store';
import { AfterChanges } from '../store/afterChanges';

const namespaceType = () => resourceTypeOfKind('Namespace');
const qualified = (t: ResourceType) =>
  t.group ? `${t.plural}.${t.group}` : t.plural;

/**
 * The NamespaceLifecycle admission plugin
 * (plugin/pkg/admission/namespace/lifecycle/admission.go Admit): nothing
 * new in a namespace that is being terminated, 403 with its message and
 * the NamespaceTerminating cause.
 */
export function admitCreateInNamespace(
  store: Store,
  type: ResourceType,
  obj: KubeObject,
) {
  const namespace = obj.metadata.namespace;
  if (!type.namespaced || !namespace) return;
  const ns = store.get(namespaceType(), undefined, namespace);
  if (ns?.status?.phase !== 'Terminating') return;
  const name = obj.metadata.name;
  throw new StatusError(
    403,
    'Forbidden',
    `${qualified(type)}${
      name ? ` "${name}"` : ''
    } is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    {
      ...(name ? { name } : {}),
      ...(type.group ? { group: type.group } : {}),
      kind: type.plural,
      causes: [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ],
    },
  );
}

const condition = (
  type: string,
  remaining: boolean,
  reason: [string, string],
  message: string,
  now: string,
) => ({
  type,
  status: remaining ? 'True' : 'False',
  lastTransitionTime: now,
  reason: remaining ? reason[0] : reason[1],
  ...(remaining ? { message } : {}),
});

/**
 * The namespace controller (pkg/controller/namespace/deletion
 * namespacedResourcesDeleter.Delete): a terminating namespace has all its
 * content deleted, its conditions say what remains and which finalizers
 * hold it, and once it is empty the `kubernetes` finalizer goes, and with
 * it the namespace. Runs after changes, not inside them.
 */
export class NamespaceController {
  private readonly queue = new AfterChanges(name => this.sync(name));
  private unsubscribe?: () => void;

  constructor(private readonly store: Store) {}

  start() {
    this.unsubscribe = this.store.subscribe(e => this.observe(e));
  }

  stop() {
    this.unsubscribe?.();
    this.queue.clear();
  }

  get idle() {
    return this.queue.idle;
  }

  private observe(e: StoreEvent) {
    const { kind, metadata } = e.object;
    const name = kind === 'Namespace' ? metadata.name : metadata.namespace;
    if (!name) return;
    const ns = this.store.get(namespaceType(), undefined, name);
    if (ns?.metadata.deletionTimestamp) this.queue.add(name);
  }

  private sync(name: string) {
    const ns = this.store.get(namespaceType(), undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    const counts = new Map<string, number>();
    const finalizers = new Map<string, number>();
    for (const type of resourceTypes.filter(t => t.namespaced)) {
      for (const obj of this.store.list(type, { namespace: name }).items) {
        if (!obj.metadata.deletionTimestamp)
          this.store.delete(type, name, obj.metadata.name, {
            preconditionUid: obj.metadata.uid,
          });
        const left = this.store.get(type, name, obj.metadata.name);
        if (!left) continue;
        counts.set(qualified(type), (counts.get(qualified(type)) ?? 0) + 1);
        for (const f of left.metadata.finalizers ?? [])
          finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
      }
    }
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const list = (m: Map<string, number>, what: string) =>
      [...m]
        .sort()
        .map(([k, n]) => `${k}${what} ${n} resource instances`)
        .join(', ');
    const conditions = [
      condition(
        'NamespaceDeletionDiscoveryFailure',
        false,
        ['', 'ResourcesDiscovered'],
        '',
        now,
      ),
      condition(
        'NamespaceDeletionGroupVersionParsingFailure',
        false,
        ['', 'ParsedGroupVersions'],
        '',
        now,
      ),
      condition(
        'NamespaceDeletionContentFailure',
        false,
        ['', 'ContentDeleted'],
        '',
        now,
      ),
      condition(
        'NamespaceContentRemaining',
        counts.size > 0,
        ['SomeResourcesRemain', 'ContentRemoved'],
        `Some resources are remaining: ${list(counts, ' has')}`,
        now,
      ),
      condition(
        'NamespaceFinalizersRemaining',
        finalizers.size > 0,
        ['SomeFinalizersRemain', 'ContentHasNoFinalizers'],
        `Some content in the namespace has finalizers remaining: ${list(
          finalizers,
          ' in',
        )}`,
        now,
      ),
    ];
    const current = this.store.get(namespaceType(), undefined, name)!;
    const same = (a: any, b: any) =>
      a?.type === b?.type &&
      a?.status === b?.status &&
      a?.message === b?.message;
    const old = current.status?.conditions ?? [];
    const next = conditions.map(c => {
      const before = old.find((o: any) => o.type === c.type);
      return same(before, c) ? before : c;
    });
    const empty = counts.size === 0;
    const written = this.store.update(
      namespaceType(),
      { ...current, status: { ...current.status, conditions: next } },
      { subresource: 'status' },
    );
    // the finalize subresource: without its finalizer an empty namespace goes
    if (empty && written.spec?.finalizers?.includes(KUBERNETES_FINALIZER)) {
      this.store.update(
        namespaceType(),
        {
          ...written,
          spec: {
            ...written.spec,
            finalizers: written.spec.finalizers.filter(
              (f: string) => f !== KUBERNETES_FINALIZER,
            ),
          },
        },
        { internal: true },
      );
    }
  }
}
