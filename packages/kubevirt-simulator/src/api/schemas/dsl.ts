/**
 * A small vocabulary for OpenAPI schemas of the kinds the simulator serves.
 * The same schema feeds `/openapi/v2` and `/openapi/v3` (so `kubectl explain`
 * can walk it) and server-side field validation (so unknown fields are pruned,
 * warned about or rejected as a real apiserver does). An `open` object keeps
 * unknown fields, as `x-kubernetes-preserve-unknown-fields` does in a CRD.
 */
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
  enum?: string[];
  format?: string;
  required?: string[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

export const str = (description: string, values?: string[]): Schema => ({
  type: 'string',
  description,
  ...(values ? { enum: values } : {}),
});
export const int = (description: string): Schema => ({
  type: 'integer',
  format: 'int64',
  description,
});
export const bool = (description: string): Schema => ({
  type: 'boolean',
  description,
});
export const time = (description: string): Schema => ({
  type: 'string',
  format: 'date-time',
  description,
});
export const quantity = (description: string): Schema => ({
  description,
  'x-kubernetes-int-or-string': true,
});
export const stringMap = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string' },
});
export const arr = (description: string, items: Schema): Schema => ({
  type: 'array',
  description,
  items,
});

/** An object whose unknown fields are pruned (or rejected under Strict validation). */
export const obj = (
  description: string,
  properties: Record<string, Schema>,
  required?: string[],
): Schema => ({
  type: 'object',
  description,
  properties,
  ...(required ? { required } : {}),
});

/** An object documented by its usual fields but keeping any other field. */
export const open = (
  description: string,
  properties: Record<string, Schema> = {},
): Schema => ({
  type: 'object',
  description,
  ...(Object.keys(properties).length ? { properties } : {}),
  'x-kubernetes-preserve-unknown-fields': true,
});

export const localObjectReference = (description: string) =>
  obj(description, { name: str('Name of the referent.') });

export const typedLocalObjectReference = (description: string) =>
  obj(description, {
    apiGroup: str('APIGroup is the group for the resource being referenced.'),
    kind: str('Kind is the type of resource being referenced.'),
    name: str('Name is the name of resource being referenced.'),
  });

export const objectMeta = obj(
  'Standard object metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  {
    name: str('Name must be unique within a namespace. Cannot be updated.'),
    generateName: str(
      'An optional prefix used by the server to generate a unique name when name is not provided.',
    ),
    namespace: str(
      'The namespace the object is in. An empty namespace is the default namespace.',
    ),
    selfLink: str(
      'Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.',
    ),
    uid: str(
      'UID is the unique in time and space value for this object, set by the server.',
    ),
    resourceVersion: str(
      'An opaque value that represents the internal version of this object, used for optimistic concurrency.',
    ),
    generation: int(
      'A sequence number representing a specific generation of the desired state.',
    ),
    creationTimestamp: time(
      'The time this object was created, set by the server.',
    ),
    deletionTimestamp: time(
      'The time after which this resource will be deleted, set by the server when deletion is requested.',
    ),
    deletionGracePeriodSeconds: int(
      'Number of seconds allowed for this object to gracefully terminate before it is removed.',
    ),
    labels: stringMap(
      'Map of string keys and values used to organize and categorize objects.',
    ),
    annotations: stringMap(
      'Unstructured key value map stored with a resource for arbitrary metadata.',
    ),
    ownerReferences: arr(
      'List of objects depended by this object. When all owners are deleted, this object is garbage collected.',
      obj('OwnerReference identifies an owning object.', {
        apiVersion: str('API version of the referent.'),
        kind: str('Kind of the referent.'),
        name: str('Name of the referent.'),
        uid: str('UID of the referent.'),
        controller: bool(
          'If true, this reference points to the managing controller.',
        ),
        blockOwnerDeletion: bool(
          'If true, the owner cannot be deleted from storage until this reference is removed.',
        ),
      }),
    ),
    finalizers: arr(
      'Must be empty before the object is deleted from the registry.',
      str('A finalizer.'),
    ),
    managedFields: arr(
      'Maps workflow-id and version to the set of fields managed by that workflow.',
      open('ManagedFieldsEntry.'),
    ),
  },
);

/** The envelope every kind shares: apiVersion, kind, metadata, then its own spec and status. */
export function kindSchema(
  description: string,
  fields: Record<string, Schema>,
): Schema {
  return obj(description, {
    apiVersion: str(
      'APIVersion defines the versioned schema of this representation of an object.',
    ),
    kind: str(
      'Kind is a string value representing the REST resource this object represents.',
    ),
    metadata: objectMeta,
    ...fields,
  });
}
