import { isDeepStrictEqual } from 'node:util';
import { apiVersionOf, ResourceType } from '../../store/resources';
import type { KubeObject } from '../../store/store';
import { StatusError } from '../errors';
import { FieldSet, pathString } from './fieldSet';
import {
  encodeManagedFields,
  ManagedFieldsEntry,
  managedFieldsTime,
  managerKey,
  decodeManagedFields,
  ownable,
  ownableComparison,
  shapeOf,
  withoutManagedFields,
} from './managedFields';
import { merge, pruneItems, toFieldSet } from './structuredMerge';

export interface ApplyResult {
  object: KubeObject;
  managedFields: ManagedFieldsEntry[];
}

interface Conflict {
  manager: string;
  path: string[];
}

/** `printManager`: an updater is named with the version it wrote (the identity has no time). */
function printManager(key: string): string {
  const [manager, operation, apiVersion, subresource] = JSON.parse(key);
  let out = JSON.stringify(manager);
  if (subresource) out += ` with subresource ${JSON.stringify(subresource)}`;
  if (operation === 'Update') out += ` using ${apiVersion}`;
  return out;
}

/** `NewConflictError` (apimachinery `managedfields/internal/conflict.go`): 409 with a cause per field. */
export function conflictError(conflicts: Conflict[]): StatusError {
  let message: string;
  if (conflicts.length === 1) {
    const [c] = conflicts;
    message = `Apply failed with 1 conflict: conflict with ${printManager(
      c.manager,
    )}: ${pathString(c.path)}`;
  } else {
    const byManager = new Map<string, string[][]>();
    for (const c of conflicts)
      byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${printManager(m)}:`);
      for (const p of byManager.get(m)!) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join(
      '\n',
    )}`;
  }
  return new StatusError(409, 'Conflict', message, {
    causes: conflicts.map(c => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${printManager(c.manager)}`,
      field: pathString(c.path),
    })),
  });
}

/**
 * Server-side apply of `config` by `manager` (structured-merge-diff
 * `merge/update.go`, `Updater.Apply`): the configuration merges into the live
 * object; the manager then owns exactly the fields it applied; a field it
 * applied before and no longer does is removed unless another manager owns
 * it (`prune`); a field another manager owns that the apply would change is
 * a conflict, unless `force` moves it to the applier.
 */
export function serverSideApply(
  type: ResourceType,
  live: KubeObject | undefined,
  config: KubeObject,
  manager: string,
  force: boolean,
  subresource?: string,
): ApplyResult {
  const shape = shapeOf(type);
  const managers = decodeManagedFields(live?.metadata.managedFields);
  const key = managerKey({
    manager,
    operation: 'Apply',
    apiVersion: apiVersionOf(type),
    subresource,
  });
  const last = managers.get(key);
  const applied = ownable(type, toFieldSet(config, shape), subresource);
  managers.set(key, {
    manager,
    operation: 'Apply',
    apiVersion: apiVersionOf(type),
    subresource,
    time: last?.time,
    set: applied,
  });

  let merged = merge(live ?? {}, config, shape) as KubeObject;
  if (last) {
    // what the manager applied last time, no longer applies, and no one else owns goes
    const owned = [...managers.values()].reduce(
      (all, m) => all.union(m.set),
      new FieldSet(),
    );
    const gone = FieldSet.of(
      ...last.set
        .paths()
        .filter(p => !owned.has(p) && (owned.at(p)?.empty() ?? true)),
    );
    merged = pruneItems(merged, gone, shape);
  }

  const c = ownableComparison(type, live, merged, subresource);
  const changed = c.added.union(c.modified);
  const conflicts: Conflict[] = [];
  for (const [k, m] of managers) {
    if (k === key) continue;
    const clash = m.set.intersection(changed);
    for (const path of clash.paths()) conflicts.push({ manager: k, path });
    if (force) m.set = m.set.difference(clash);
    m.set = m.set.difference(c.removed);
  }
  if (conflicts.length && !force) throw conflictError(conflicts);
  // managedfieldsupdater.go: an apply that changes the object is the applier's latest write
  if (
    !last ||
    !isDeepStrictEqual(withoutManagedFields(live), withoutManagedFields(merged))
  )
    managers.get(key)!.time = managedFieldsTime();
  return { object: merged, managedFields: encodeManagedFields(managers) };
}
