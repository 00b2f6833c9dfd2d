import { StatusError, errors } from './errors';
import { ResourceType, apiVersionOf } from '../store/resources';
import type { KubeObject } from '../store/store';

/**
 * A body whose kind or apiVersion is not the resource's, refused where and
 * as the apiserver refuses it:
 * - a built-in kind is decoded into its Go type first, and a body of
 *   another kind cannot be (handlers/create.go transformDecodeError): 400;
 * - then the handler checks the group version (create.go
 *   AcceptsGroupVersion): 400;
 * - a custom resource is decoded as it is and its kind is checked by
 *   validation (apiextensions customResourceValidator.ValidateTypeMeta):
 *   422 on the `kind` field, reported against the kind it was sent as.
 */
export function checkTypeMeta(type: ResourceType, body: KubeObject) {
  const expected = apiVersionOf(type);
  const kindDiffers = body.kind && body.kind !== type.kind;
  if (kindDiffers && type.builtin) {
    const version = (body.apiVersion ?? expected).split('/').pop();
    const internalGroup = type.group ? type.group.split('.')[0] : 'core';
    throw new StatusError(
      400,
      'BadRequest',
      `${body.kind} in version "${version}" cannot be handled as a ${type.kind}: converting (${version}.${body.kind}) to (${internalGroup}.${type.kind}): unknown conversion`,
    );
  }
  if (body.apiVersion && body.apiVersion !== expected) {
    throw errors.badRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${expected})`,
    );
  }
  if (kindDiffers) {
    throw errors.invalid(body.kind, type.group, body.metadata?.name ?? '', [
      {
        field: 'kind',
        message: `Invalid value: "${body.kind}": must be ${type.kind}`,
      },
    ]);
  }
}

/**
 * Custom resources do not allow unconditional updates (the CRD strategy's
 * AllowUnconditionalUpdate is false), so a PUT without
 * metadata.resourceVersion is 422 (registry store.go Update), the kind
 * named by its resource as the apiserver does.
 */
export function requireResourceVersion(type: ResourceType, body: KubeObject) {
  if (type.builtin || body.metadata?.resourceVersion) return;
  throw errors.invalid(type.plural, type.group, body.metadata?.name ?? '', [
    {
      field: 'metadata.resourceVersion',
      message: 'Invalid value: 0x0: must be specified for an update',
    },
  ]);
}
