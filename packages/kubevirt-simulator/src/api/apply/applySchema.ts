import type protobuf from 'protobufjs';
import type { ResourceType } from '../../store/resources';
import { apiVersionOf } from '../../store/resources';
import {
  inlinedFields,
  messageType,
  wrapperMessages,
} from '../protobuf/protobufBody';
import { schemaOfKind, Schema } from '../schemas';
import { atomicTypes, builtinListTypes } from './builtinListTypes';
import type { ListType } from './structuredMerge';

/**
 * The shape of a type as structured-merge-diff's `schema` package sees it:
 * a struct with declared fields, a map with elements, a list relating its
 * items, or a leaf. `undefined` is structured-merge-diff's deduced type: maps
 * of any keys, atomic lists (preserve-unknown-fields and untyped parts).
 */
export interface ApplyType {
  fields?: Record<string, ApplyType | undefined>;
  elements?: ApplyType;
  items?: ApplyType;
  list?: ListType;
  /** A leaf: a scalar, or a struct or map marked atomic. */
  atomic?: boolean;
}

const LEAF: ApplyType = { atomic: true };
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
/** Wrappers of arbitrary JSON: their contents are untyped. */
const untyped = new Set([
  `.${META}.FieldsV1`,
  '.k8s.io.apimachinery.pkg.runtime.RawExtension',
]);

const fromMessage = (() => {
  const memo = new Map<string, ApplyType>();
  const of = (type: protobuf.Type): ApplyType => {
    const name = type.fullName.slice(1);
    const known = memo.get(name);
    if (known) return known;
    const node: ApplyType = { fields: {} };
    memo.set(name, node);
    if (atomicTypes.has(name)) node.atomic = true;
    for (const field of type.fieldsArray) {
      field.resolve();
      const t = field.resolvedType;
      let value: ApplyType | undefined = LEAF;
      if (t && 'fieldsArray' in t) {
        if (untyped.has(t.fullName)) value = undefined;
        else if (!wrapperMessages[t.fullName]) value = of(t as protobuf.Type);
      }
      const key = `${name}.${field.name}`;
      if (value && atomicTypes.has(key)) value = { ...value, atomic: true };
      let child: ApplyType | undefined = value;
      if (field.map) child = { elements: value };
      else if (field.repeated)
        child = {
          items: value,
          list: builtinListTypes[key] ?? { type: 'atomic' },
        };
      if (inlinedFields.has(field.name) && child?.fields)
        Object.assign(node.fields!, child.fields);
      else node.fields![field.name] = child;
    }
    return node;
  };
  return of;
})();

/** A simulator schema (CRD-like): properties are fields, preserve-unknown parts are deduced. */
function fromSchema(schema: Schema | undefined): ApplyType | undefined {
  if (!schema) return undefined;
  if (schema.type === 'array')
    return { items: fromSchema(schema.items), list: { type: 'atomic' } };
  if (schema.properties || schema.additionalProperties) {
    const fields: Record<string, ApplyType | undefined> = {};
    for (const [k, v] of Object.entries(schema.properties ?? {}))
      fields[k] = fromSchema(v);
    return { fields, elements: fromSchema(schema.additionalProperties) };
  }
  if (
    schema.type === 'object' ||
    schema['x-kubernetes-preserve-unknown-fields']
  )
    return undefined;
  return LEAF;
}

/**
 * ObjectMeta as the apiserver types it for every kind, from the same Go
 * markers as the built-ins (ownerReferences a map of atomic items keyed by
 * uid, finalizers a set), without loading the protobuf files: custom
 * resources, the most written kinds here, do not need them.
 */
function typedMeta(meta: ApplyType | undefined): ApplyType | undefined {
  if (!meta?.fields) return meta;
  const fields = { ...meta.fields };
  for (const [name, field] of Object.entries(fields)) {
    if (!field?.list) continue;
    const atomicItem =
      name === 'ownerReferences' && atomicTypes.has(`${META}.OwnerReference`);
    fields[name] = {
      ...field,
      list: builtinListTypes[`${META}.ObjectMeta.${name}`] ?? field.list,
      items: atomicItem ? { ...field.items, atomic: true } : field.items,
    };
  }
  return { ...meta, fields };
}

const byKind = new Map<string, ApplyType | undefined>();

/**
 * The apply shape of a kind: a built-in kind's from its protobuf message
 * and Go markers (the apiserver builds it from the same types' OpenAPI); a
 * custom resource's from its schema, with ObjectMeta typed as the apiserver
 * types it for every kind.
 */
export function applyTypeOf(type: ResourceType): ApplyType | undefined {
  if (byKind.has(type.kind)) return byKind.get(type.kind);
  let out: ApplyType | undefined;
  if (type.builtin) {
    try {
      out = fromMessage(messageType(apiVersionOf(type), type.kind));
    } catch {
      out = undefined;
    }
  }
  if (!out) {
    const crd = fromSchema(schemaOfKind(type.kind));
    out = {
      ...crd,
      fields: { ...crd?.fields, metadata: typedMeta(crd?.fields?.metadata) },
    };
  }
  byKind.set(type.kind, out);
  return out;
}
