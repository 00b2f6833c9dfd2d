import type http from 'node:http';
import { errors } from './errors';
import { ResourceType } from '../store/resources';
import { schemaOfKind, Schema } from './schemas';

const modes = ['Ignore', 'Warn', 'Strict'] as const;
type FieldValidation = (typeof modes)[number];

/**
 * Removes the fields a schema does not know and returns their paths, named as
 * the apiserver names them (`spec.template.spec.volumes[0].foo`). Objects marked
 * x-kubernetes-preserve-unknown-fields keep everything, as in a structural CRD.
 */
export function pruneUnknownFields(
  schema: Schema,
  value: unknown,
  path = '',
): string[] {
  if (Array.isArray(value)) {
    return schema.items
      ? value.flatMap((v, i) =>
          pruneUnknownFields(schema.items!, v, `${path}[${i}]`),
        )
      : [];
  }
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const unknown: string[] = [];
  for (const key of Object.keys(record)) {
    const child = `${path ? `${path}.` : ''}${key}`;
    const known = schema.properties?.[key] ?? schema.additionalProperties;
    if (known) unknown.push(...pruneUnknownFields(known, record[key], child));
    else if (
      !schema['x-kubernetes-preserve-unknown-fields'] &&
      schema.properties
    ) {
      delete record[key];
      unknown.push(child);
    }
  }
  return unknown;
}

/**
 * Server-side field validation of a write (the `fieldValidation` parameter,
 * default Warn): unknown fields are dropped; Strict rejects the request with
 * a BadRequest naming them, Warn answers with a Warning header per field.
 */
export function checkFields(
  type: ResourceType,
  obj: unknown,
  query: URLSearchParams,
  res: http.ServerResponse,
) {
  const requested = query.get('fieldValidation') ?? 'Warn';
  if (!modes.includes(requested as FieldValidation)) {
    throw errors.badRequest(
      `fieldValidation parameter unsupported: ${requested}. Supported values are: Ignore, Warn, Strict`,
    );
  }
  const unknown = pruneUnknownFields(schemaOfKind(type.kind), obj);
  if (!unknown.length || requested === 'Ignore') return;
  const fields = unknown.map(f => `unknown field "${f}"`);
  if (requested === 'Strict') {
    throw errors.badRequest(
      `${type.kind} in version "${type.version}" cannot be handled as a ${
        type.kind
      }: strict decoding error: ${fields.join(', ')}`,
    );
  }
  res.setHeader(
    'Warning',
    fields.map(f => `299 - ${JSON.stringify(f)}`),
  );
}
