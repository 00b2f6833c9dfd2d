/**
 * Strategic merge patch, as the apiserver applies it to built-in kinds (and as
 * `kubectl apply`, `patch --type strategic` and `label` send it). Built-in types
 * carry their list strategies in Go struct tags; the table below holds those of
 * the fields the simulator's built-in kinds have (paths from the object root,
 * `[]` for "each element"). A list not named here is atomic: replaced whole.
 * Custom resources have no strategies, which is why the server answers 415.
 */
const mergeKeys: Record<string, string> = {
  'metadata.ownerReferences': 'uid',
  'spec.containers': 'name',
  'spec.initContainers': 'name',
  'spec.ephemeralContainers': 'name',
  'spec.containers[].env': 'name',
  'spec.initContainers[].env': 'name',
  'spec.containers[].ports': 'containerPort',
  'spec.containers[].volumeMounts': 'mountPath',
  'spec.initContainers[].volumeMounts': 'mountPath',
  'spec.volumes': 'name',
  'spec.imagePullSecrets': 'name',
  'spec.hostAliases': 'ip',
  'spec.ports': 'port',
  'spec.taints': 'key',
  'status.conditions': 'type',
  'status.addresses': 'type',
  'status.containerStatuses': 'name',
};

/** Lists of scalars whose strategy is merge: the union, in order. */
const mergedScalarLists = new Set(['metadata.finalizers']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonMap = { [key: string]: Json };

const isMap = (v: unknown): v is JsonMap =>
  !!v && typeof v === 'object' && !Array.isArray(v);
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

export class PatchError extends Error {}

/** Applies a patch to a copy-safe original (objects are copied where they change). */
export function strategicMergePatch(
  original: unknown,
  patch: unknown,
): unknown {
  return mergeValue(original as Json, patch as Json, '');
}

function mergeValue(
  original: Json | undefined,
  patch: Json,
  path: string,
): Json {
  if (!isMap(patch)) return patch;
  const directive = patch.$patch;
  if (directive === 'replace') {
    const { $patch: _, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (directive === 'delete') return null;
  if (directive !== undefined)
    throw new PatchError(`Unknown patch type: ${directive}`);
  const out: JsonMap = isMap(original) ? { ...original } : {};
  const retain = patch.$retainKeys;
  for (const [key, value] of Object.entries(patch)) {
    if (
      key === '$retainKeys' ||
      key.startsWith(SET_ORDER) ||
      key.startsWith(DELETE_FROM)
    )
      continue;
    const child = path ? `${path}.${key}` : key;
    if (value === null) delete out[key];
    else if (Array.isArray(value))
      out[key] = mergeList(out[key], value, child, patch[`${SET_ORDER}${key}`]);
    else out[key] = mergeValue(out[key], value, child);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM) || !Array.isArray(value)) continue;
    const field = key.slice(DELETE_FROM.length);
    if (Array.isArray(out[field]))
      out[field] = (out[field] as Json[]).filter(v => !value.includes(v));
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const field = key.slice(SET_ORDER.length);
    // an order for a list the patch did not touch reorders what is there
    if (
      !(field in patch) &&
      Array.isArray(out[field]) &&
      Array.isArray(order)
    ) {
      out[field] = reorder(
        out[field] as Json[],
        order,
        mergeKeys[path ? `${path}.${field}` : field],
      );
    }
  }
  if (Array.isArray(retain)) {
    for (const key of Object.keys(out))
      if (!retain.includes(key)) delete out[key];
  }
  return out;
}

function mergeList(
  original: Json | undefined,
  patch: Json[],
  path: string,
  order: Json | undefined,
): Json[] {
  const current = Array.isArray(original) ? original : [];
  const key = mergeKeys[path];
  if (patch.some(p => isMap(p) && p.$patch === 'replace')) {
    return patch
      .filter(p => !(isMap(p) && p.$patch === 'replace'))
      .map(stripDirectives);
  }
  if (mergedScalarLists.has(path)) {
    const merged = [...current];
    for (const v of patch) if (!merged.includes(v)) merged.push(v);
    return Array.isArray(order) ? reorder(merged, order, undefined) : merged;
  }
  if (!key) return patch.map(stripDirectives);
  const merged = [...current];
  for (const item of patch) {
    if (!isMap(item))
      throw new PatchError(
        `${path}: element ${JSON.stringify(item)} has no merge key ${key}`,
      );
    const at = merged.findIndex(e => isMap(e) && e[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) merged.splice(at, 1);
    } else if (at >= 0) merged[at] = mergeValue(merged[at], item, `${path}[]`);
    else merged.push(mergeValue(undefined, item, `${path}[]`));
  }
  return Array.isArray(order) ? reorder(merged, order, key) : merged;
}

/** `$setElementOrder`: the listed elements first, in that order; the rest after, as they were. */
function reorder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const id = (v: Json) => (key && isMap(v) ? v[key] : v);
  const wanted = order.map(o => (key && isMap(o) ? o[key] : o));
  const ranked = list.map((v, i) => ({ v, rank: wanted.indexOf(id(v)), i }));
  return ranked
    .sort(
      (a, b) =>
        (a.rank < 0 ? Infinity : a.rank) - (b.rank < 0 ? Infinity : b.rank) ||
        a.i - b.i,
    )
    .map(r => r.v);
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isMap(value)) return value;
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}
