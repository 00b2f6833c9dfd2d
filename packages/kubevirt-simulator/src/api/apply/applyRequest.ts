import type http from 'node:http';
import YAML from 'yaml';
import { apiVersionOf, ResourceType } from '../../store/resources';
import type { KubeObject } from '../../store/store';
import { errors } from '../errors';
import { ManagedFieldsEntry, recordUpdate } from './managedFields';
import { serverSideApply } from './serverSideApply';

/** The patch type of server-side apply; its body is YAML (JSON is YAML too). */
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** `validation.FieldManagerMaxLength`. */
const MAX_MANAGER = 128;

/** The options kind a write's query parameters decode into, by method (handlers/create.go, update.go, patch.go). */
const optionsKind = (method: string | undefined) =>
  ({ POST: 'CreateOptions', PUT: 'UpdateOptions' }[method ?? ''] ??
  'PatchOptions');

const invalidOptions = (
  kind: string,
  field: string,
  reason: string,
  message: string,
) => errors.invalid(kind, 'meta.k8s.io', '', [{ field, reason, message }]);

const invalidPatchOptions = (field: string, reason: string, message: string) =>
  invalidOptions('PatchOptions', field, reason, message);

/**
 * `ValidatePatchOptions` (apimachinery `apis/meta/v1/validation`): apply
 * needs a field manager, `force` belongs to apply alone, a manager name is
 * at most 128 printable characters. Answered 422 on `PatchOptions`, as the
 * patch handler does before it reads the object.
 */
export function checkPatchOptions(contentType: string, q: URLSearchParams) {
  const manager = q.get('fieldManager') ?? '';
  if (contentType === APPLY_PATCH && !manager)
    throw invalidPatchOptions(
      'fieldManager',
      'FieldValueRequired',
      'Required value: is required for apply patch',
    );
  if (contentType !== APPLY_PATCH && q.has('force'))
    throw invalidPatchOptions(
      'force',
      'FieldValueForbidden',
      'Forbidden: may not be specified for non-apply patch',
    );
  checkManagerName(manager, 'PatchOptions');
}

function checkManagerName(manager: string, kind: string) {
  if (manager.length > MAX_MANAGER)
    throw invalidOptions(
      kind,
      'fieldManager',
      'FieldValueTooLong',
      `Too long: may not be more than ${MAX_MANAGER} bytes`,
    );
}

/**
 * `managerOrUserAgent` (apiserver `handlers/create.go`): the request's
 * fieldManager, else the User-Agent up to its first `/` (`kubectl/v1.32.0
 * (linux/amd64)` is "kubectl"), printable characters only, at most 128.
 */
export function fieldManagerOf(
  q: URLSearchParams,
  req: http.IncomingMessage,
): string {
  const manager = q.get('fieldManager');
  if (manager) {
    checkManagerName(manager, optionsKind(req.method));
    return manager;
  }
  const agent = (req.headers['user-agent'] ?? '').split('/')[0];
  // eslint-disable-next-line no-control-regex
  return agent.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, MAX_MANAGER);
}

const statusOf = (subresource: string | undefined) =>
  subresource === 'status' ? 'status' : undefined;

/** The written object with the managers a create, update or non-apply patch leaves (operation Update). */
export function withUpdateFields(
  type: ResourceType,
  live: KubeObject | undefined,
  next: KubeObject,
  manager: string,
  subresource?: string,
): KubeObject {
  return withManagedFields(
    next,
    recordUpdate(type, live, next, manager, statusOf(subresource)),
  );
}

/** An object carries managedFields only when some manager owns something. */
function withManagedFields(
  object: KubeObject,
  managedFields: ManagedFieldsEntry[],
): KubeObject {
  // in place, so that an unchanged object stays equal to the stored one (the store's no-op check)
  const { managedFields: _previous, ...rest } = object.metadata;
  return {
    ...object,
    metadata: managedFields.length
      ? { ...object.metadata, managedFields }
      : rest,
  } as KubeObject;
}

function parseJsonOrUndefined(text: string): unknown {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `invalid object type` of apimachinery's `versionCheckManager`: `group/version, Kind=kind`. */
const gvkString = (apiVersion: unknown, kind: unknown) => {
  const v = String(apiVersion ?? '');
  return `${v.includes('/') ? v : `/${v}`}, Kind=${kind ?? ''}`;
};

/**
 * An apply request's body (apiserver `handlers/patch.go`, `applyPatcher`):
 * YAML of the kind being applied, without managedFields; the object it
 * leaves, with its managers.
 */
export function applyPatchBody(
  type: ResourceType,
  live: KubeObject | undefined,
  text: string,
  q: URLSearchParams,
  name: string,
  subresource?: string,
): KubeObject {
  let config: any;
  try {
    // kubectl sends the configuration as JSON, which is YAML too and parses much faster as JSON
    config = parseJsonOrUndefined(text) ?? YAML.parse(text);
  } catch (e) {
    throw errors.badRequest(
      `error decoding YAML: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  if (!config || typeof config !== 'object' || Array.isArray(config))
    throw errors.badRequest(
      'error decoding YAML: the body is not a YAML or JSON object',
    );
  if (config.apiVersion !== apiVersionOf(type) || config.kind !== type.kind)
    throw errors.badRequest(
      `invalid object type: ${gvkString(config.apiVersion, config.kind)}`,
    );
  if (config.metadata?.managedFields !== undefined)
    throw errors.badRequest('metadata.managedFields must be nil');
  const metadata = config.metadata ?? {};
  if (metadata.name !== undefined && metadata.name !== name)
    throw errors.badRequest(
      `the name of the object (${metadata.name}) does not match the name on the URL (${name})`,
    );
  config.metadata = { ...metadata, name };
  const { object, managedFields } = serverSideApply(
    type,
    live,
    config as KubeObject,
    q.get('fieldManager')!,
    q.get('force') === 'true',
    statusOf(subresource),
  );
  return withManagedFields(object, managedFields);
}
