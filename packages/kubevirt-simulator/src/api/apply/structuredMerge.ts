import type { ApplyType } from './applySchema';
import { fieldElement, FieldSet, keyElement, valueElement } from './fieldSet';

/**
 * The operations of structured-merge-diff's `typed` package on JSON objects:
 * the field set of an object (`tofieldset.go`), the comparison of two
 * versions (`compare.go`), the merge of an applied configuration into the
 * live object (`merge.go`) and the removal of items (`remove.go`). Maps are
 * granular (each key its own field); lists relate their items as their
 * type says (see applySchema.ts): atomic (the list is one field), a set of
 * scalars, or a map keyed by some of the items' fields.
 */
export type ListType =
  | { type: 'atomic' }
  | { type: 'set' }
  | { type: 'map'; keys: string[] };

/** The type of a value; undefined is a deduced (untyped) one. */
export type Shape = ApplyType | undefined;

type Json = any;

const isMap = (v: unknown): v is Record<string, Json> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

const childShape = (s: Shape, key: string): Shape =>
  s?.fields?.[key] ?? s?.elements;

const itemShape = (s: Shape): Shape => s?.items;

/** Whether a key is a declared field of the map's struct (a map element otherwise). */
const declared = (s: Shape, key: string) => !!s?.fields?.[key];

/** A struct or map marked atomic is one field, like a scalar. */
const isLeaf = (s: Shape) => !!s?.atomic;

function itemElement(list: ListType, item: Json, index: number): string {
  if (list.type === 'set') return valueElement(item);
  if (list.type === 'map' && isMap(item)) return keyElement(item, list.keys);
  return `i:${index}`;
}

/** The items of a granular list by their path element (the first of duplicates wins). */
function itemsByElement(list: ListType, items: Json[] | undefined) {
  const out = new Map<string, Json>();
  (items ?? []).forEach((item, i) => {
    const pe = itemElement(list, item, i);
    if (!out.has(pe)) out.set(pe, item);
  });
  return out;
}

const granularList = (v: unknown, s: Shape): ListType | undefined => {
  if (!Array.isArray(v) || !s?.list || isLeaf(s)) return undefined;
  return s.list.type === 'atomic' ? undefined : s.list;
};

/** `TypedValue.ToFieldSet`: every leaf and list item; map elements and empty maps also as members. */
export function toFieldSet(value: Json, root: Shape): FieldSet {
  const set = new FieldSet();
  const walk = (v: Json, s: Shape, path: string[]) => {
    const list = granularList(v, s);
    if (isLeaf(s) && path.length) set.insert(path);
    else if (list) {
      for (const [pe, item] of itemsByElement(list, v)) {
        walk(item, itemShape(s), [...path, pe]);
        set.insert([...path, pe]);
      }
    } else if (isMap(v)) {
      for (const [key, child] of Object.entries(v)) {
        const p = [...path, fieldElement(key)];
        walk(child, childShape(s, key), p);
        const emptyMap = isMap(child) && !Object.keys(child).length;
        if (child === null || emptyMap || !declared(s, key)) set.insert(p);
      }
    } else set.insert(path);
  };
  walk(value, root, []);
  return set;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

const isEmpty = (v: unknown) =>
  v === undefined ||
  (Array.isArray(v) && !v.length) ||
  (isMap(v) && !Object.keys(v).length);

/** `TypedValue.Compare`: the fields added, changed and removed from `lhs` to `rhs`. */
export function compare(lhs: Json, rhs: Json, root: Shape): Comparison {
  const c: Comparison = {
    added: new FieldSet(),
    modified: new FieldSet(),
    removed: new FieldSet(),
  };
  const leaf = (l: Json, r: Json, path: string[]) => {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (JSON.stringify(l) !== JSON.stringify(r)) c.modified.insert(path);
  };
  const walk = (l: Json, r: Json, s: Shape, path: string[]) => {
    if (l === undefined && r === undefined) return;
    const list = granularList(l ?? r, s);
    const bothMaps =
      (l === undefined || isMap(l)) && (r === undefined || isMap(r));
    const bothLists =
      (l === undefined || Array.isArray(l)) &&
      (r === undefined || Array.isArray(r));
    if (
      isLeaf(s) ||
      (isEmpty(l) && isEmpty(r)) ||
      !(bothMaps || (bothLists && list))
    ) {
      leaf(l, r, path);
      return;
    }
    if (list) {
      const ls = itemsByElement(list, l);
      const rs = itemsByElement(list, r);
      for (const pe of new Set([...ls.keys(), ...rs.keys()]))
        walk(ls.get(pe), rs.get(pe), itemShape(s), [...path, pe]);
    } else {
      for (const key of new Set([
        ...Object.keys(l ?? {}),
        ...Object.keys(r ?? {}),
      ]))
        walk(l?.[key], r?.[key], childShape(s, key), [
          ...path,
          fieldElement(key),
        ]);
    }
    if (path.length && l === undefined) c.added.insert(path);
    else if (path.length && r === undefined) c.removed.insert(path);
  };
  walk(lhs, rhs, root, []);
  return c;
}

/**
 * `TypedValue.Merge`: the applied configuration over the live object. Maps
 * merge key by key, granular lists item by item (in the applied order, the
 * live-only items where they stood), anything else is replaced.
 */
export function merge(lhs: Json, rhs: Json, s: Shape): Json {
  if (rhs === undefined) return lhs;
  if (lhs === undefined || isLeaf(s)) return rhs;
  if (isMap(lhs) && isMap(rhs)) {
    const out: Record<string, Json> = { ...lhs };
    for (const [key, value] of Object.entries(rhs))
      out[key] = merge(lhs[key], value, childShape(s, key));
    return out;
  }
  const list = Array.isArray(lhs) && granularList(rhs, s);
  if (!list) return rhs;
  return mergeList(list, lhs, rhs, itemShape(s));
}

/** merge.go's `visitListItems`: walks both lists, keeping the applied order for shared items. */
function mergeList(list: ListType, lhs: Json[], rhs: Json[], s: Shape) {
  const ls = itemsByElement(list, lhs);
  const rs = itemsByElement(list, rhs);
  const lPEs = [...ls.keys()];
  const rPEs = [...rs.keys()];
  const shared = rPEs.filter(pe => ls.has(pe));
  const done = new Set<string>();
  const out: Json[] = [];
  let li = 0;
  let ri = 0;
  while (li < lPEs.length || ri < rPEs.length) {
    if (li < lPEs.length && ri < rPEs.length) {
      const pe = lPEs[li];
      if (pe === rPEs[ri]) {
        out.push(merge(ls.get(pe), rs.get(pe), s));
        done.add(pe);
        if (shared.includes(pe)) shared.splice(shared.indexOf(pe), 1);
        li++;
        ri++;
        continue;
      }
      if (rs.has(pe) && shared.length && shared[0] !== pe) {
        li++;
        continue;
      }
    }
    if (li < lPEs.length) {
      const pe = lPEs[li];
      if (!rs.has(pe)) {
        out.push(ls.get(pe));
        li++;
        continue;
      } else if (done.has(pe)) li++;
    }
    if (ri < rPEs.length) {
      const pe = rPEs[ri];
      done.add(pe);
      out.push(merge(ls.get(pe), rs.get(pe), s));
      ri++;
      if (shared.includes(pe)) shared.splice(shared.indexOf(pe), 1);
    }
  }
  return out;
}

/** Whether pruning emptied a map or list that held something. */
const emptied = (before: Json, after: Json) =>
  !isEmpty(before) && isEmpty(after) && (isMap(after) || Array.isArray(after));

/**
 * `TypedValue.RemoveItems` as `Updater.prune` uses it: the object without
 * the set's members (and what lies below them). A map or list that this
 * empties goes too, as prune drops the named fields of the last applied set
 * that no manager owns anything below (`EnsureNamedFieldsAreMembers`); one
 * that was empty already stays, so values no manager wrote (the simulator's
 * controllers write without one) are kept.
 */
export function pruneItems(value: Json, set: FieldSet, s: Shape): Json {
  const list = granularList(value, s);
  if (list) {
    return (value as Json[]).flatMap((item, i) => {
      const node = set.children.get(itemElement(list, item, i));
      if (!node) return [item];
      if (node.member) return [];
      const kept = pruneItems(item, node, itemShape(s));
      return emptied(item, kept) ? [] : [kept];
    });
  }
  if (!isMap(value)) return value;
  const out: Record<string, Json> = {};
  for (const [key, child] of Object.entries(value)) {
    const node = set.children.get(fieldElement(key));
    if (!node) out[key] = child;
    else if (!node.member) {
      const kept = pruneItems(child, node, childShape(s, key));
      if (!emptied(child, kept)) out[key] = kept;
    }
  }
  return out;
}
