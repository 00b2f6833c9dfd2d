import { apiVersionOf, ResourceType } from '../../store/resources';
import type { KubeObject } from '../../store/store';
import { compareStrings as cmp, FieldSet } from './fieldSet';
import { applyTypeOf } from './applySchema';
import { compare, Comparison, Shape } from './structuredMerge';

/**
 * `metadata.managedFields`: which field manager owns which fields, as
 * apimachinery's `util/managedfields/internal` keeps them. Each entry is one
 * manager identity: the manager's name, its operation (Apply or Update) and
 * the subresource it wrote through.
 */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Manager identities, keyed as `BuildManagerIdentifier` keys them. */
export type Managers = Map<string, Manager>;

/** `BuildManagerIdentifier`: appliers are one identity whatever version they applied. */
export const managerKey = (m: Omit<Manager, 'set' | 'time'>) =>
  JSON.stringify([
    m.manager,
    m.operation,
    m.operation === 'Apply' ? '' : m.apiVersion,
    m.subresource ?? '',
  ]);

/** The object as the field manager compares it: without its managedFields. */
export const withoutManagedFields = (o: KubeObject | undefined) =>
  o && { ...o, metadata: { ...o.metadata, managedFields: undefined } };

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function decodeManagedFields(entries: unknown): Managers {
  const out: Managers = new Map();
  if (!Array.isArray(entries)) return out;
  for (const e of entries as ManagedFieldsEntry[]) {
    if (!e?.manager || !e.operation) continue;
    const m: Manager = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion ?? '',
      subresource: e.subresource || undefined,
      time: e.time,
      set: FieldSet.fromJSON(e.fieldsV1 ?? {}),
    };
    out.set(managerKey(m), m);
  }
  return out;
}

/** `EncodeObjectManagedFields` in `sortEncodedManagedFields` order: operation, time, manager, version, subresource. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const list = [...managers.values()].filter(m => !m.set.empty());
  list.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      cmp(p.time ?? '', q.time ?? '') ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return list.map(m => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: m.set.toJSON(),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

/** `NewStripMetaManager`'s set: fields the server owns, never a manager. */
const stripped = FieldSet.of(
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map(f => ['f:metadata', `f:${f}`]),
);

/**
 * The fields a write may own. A kind with a status subresource resets
 * `status` on writes to the main resource and `spec` on writes to status
 * (the strategies' `GetResetFields`), so those are no one's there.
 */
export function ownable(
  type: ResourceType,
  set: FieldSet,
  subresource?: string,
): FieldSet {
  let out = set.difference(stripped);
  if (type.subresources?.includes('status'))
    out =
      subresource === 'status'
        ? out.withoutPrefixes([['f:spec']])
        : out.withoutPrefixes([['f:status']]);
  return out;
}

export function shapeOf(type: ResourceType): Shape {
  return applyTypeOf(type);
}

/** The comparison of two versions restricted to what a write may own. */
export function ownableComparison(
  type: ResourceType,
  live: unknown,
  next: unknown,
  subresource?: string,
): Comparison {
  const c = compare(live ?? {}, next, shapeOf(type));
  return {
    added: ownable(type, c.added, subresource),
    modified: ownable(type, c.modified, subresource),
    removed: ownable(type, c.removed, subresource),
  };
}

/** `isResetManagedFields`: `[]` or `[{}]` in a write clears the field managers. */
const isReset = (entries: unknown) =>
  Array.isArray(entries) &&
  (entries.length === 0 ||
    (entries.length === 1 &&
      !!entries[0] &&
      typeof entries[0] === 'object' &&
      Object.keys(entries[0]).length === 0));

/**
 * `decodeLiveOrNew`: managers a write sends are taken when valid and not
 * empty (so a client may edit them); otherwise the live object's stay.
 */
function managersFor(
  live: KubeObject | undefined,
  next: KubeObject,
  subresource?: string,
): Managers {
  const sent = next.metadata.managedFields;
  if (subresource) return decodeManagedFields(live?.metadata.managedFields);
  if (isReset(sent)) return new Map();
  const fromRequest = decodeManagedFields(sent);
  return fromRequest.size
    ? fromRequest
    : decodeManagedFields(live?.metadata.managedFields);
}

/**
 * The managers after a create, update or non-apply patch by `manager`
 * (`Updater.Update`): it takes every field the write added or changed, from
 * whoever owned it (an update always forces), and no one keeps a field the
 * write removed.
 */
export function recordUpdate(
  type: ResourceType,
  live: KubeObject | undefined,
  next: KubeObject,
  manager: string,
  subresource?: string,
): ManagedFieldsEntry[] {
  const managers = managersFor(live, next, subresource);
  const c = ownableComparison(
    type,
    withoutManagedFields(live),
    withoutManagedFields(next),
    subresource,
  );
  const key = managerKey({
    manager,
    operation: 'Update',
    apiVersion: apiVersionOf(type),
    subresource,
  });
  const changed = c.added.union(c.modified);
  for (const [k, m] of managers) {
    if (k === key) continue;
    m.set = m.set.difference(changed).difference(c.removed);
  }
  const own = managers.get(key);
  const set = (own?.set ?? new FieldSet()).difference(c.removed).union(changed);
  managers.set(key, {
    manager,
    operation: 'Update',
    apiVersion: apiVersionOf(type),
    subresource,
    // managedfieldsupdater.go: the time of the manager's latest write that changed something
    time: changed.empty() ? own?.time : now(),
    set,
  });
  return encodeManagedFields(managers);
}

export { now as managedFieldsTime };
