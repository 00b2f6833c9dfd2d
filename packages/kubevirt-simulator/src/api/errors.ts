/** A Kubernetes error, answered as a metav1.Status body. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toStatus() {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** utilerrors.NewAggregate(errs).Error(): one error as it is, more in brackets. */
export const aggregate = (messages: string[]) =>
  messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;

const qualified = (group: string, plural: string) =>
  group ? `${plural}.${group}` : plural;

export const errors = {
  notFound: (group: string, plural: string, name: string) =>
    new StatusError(
      404,
      'NotFound',
      `${qualified(group, plural)} "${name}" not found`,
      {
        name,
        ...(group ? { group } : {}),
        kind: plural,
      },
    ),
  alreadyExists: (group: string, plural: string, name: string) =>
    new StatusError(
      409,
      'AlreadyExists',
      `${qualified(group, plural)} "${name}" already exists`,
      {
        name,
        ...(group ? { group } : {}),
        kind: plural,
      },
    ),
  conflict: (group: string, plural: string, name: string, why: string) =>
    new StatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(
        group,
        plural,
      )} "${name}": ${why}`,
      { name, ...(group ? { group } : {}), kind: plural },
    ),
  invalid: (
    kind: string,
    group: string,
    name: string,
    causes: { field: string; message: string; reason?: string }[],
  ) =>
    new StatusError(
      422,
      'Invalid',
      `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${aggregate([
        ...new Set(causes.map(c => `${c.field}: ${c.message}`)),
      ])}`,
      {
        name,
        ...(group ? { group } : {}),
        kind,
        causes: causes.map(c => ({
          reason: c.reason ?? 'FieldValueInvalid',
          message: c.message,
          field: c.field,
        })),
      },
    ),
  badRequest: (message: string) => new StatusError(400, 'BadRequest', message),
  unauthorized: () => new StatusError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (
    user: string,
    verb: string,
    group: string,
    resource: string,
    name: string | undefined,
    namespace: string | undefined,
  ) =>
    new StatusError(
      403,
      'Forbidden',
      `${qualified(group, resource.split('/')[0])}${
        name ? ` "${name}"` : ''
      } is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}"${
        namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'
      }`,
      {
        ...(name ? { name } : {}),
        ...(group ? { group } : {}),
        kind: resource,
      },
    ),
  methodNotAllowed: () =>
    new StatusError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    ),
  unsupportedMediaType: (type: string) =>
    new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml; got ${type}`,
    ),
  expired: (rv: string) =>
    new StatusError(410, 'Expired', `too old resource version: ${rv}`),
  tooLarge: () =>
    new StatusError(
      413,
      'RequestEntityTooLarge',
      'Request entity too large: limit is 3145728',
    ),
  /** apimachinery's NewTooManyRequests: the wait also goes out as `Retry-After` (responsewriters.ErrorNegotiated). */
  tooManyRequests: (message: string, retryAfterSeconds: number) =>
    new StatusError(429, 'TooManyRequests', message, { retryAfterSeconds }),
  internal: (message: string) =>
    new StatusError(
      500,
      'InternalError',
      `Internal error occurred: ${message}`,
      {
        causes: [{ message }],
      },
    ),
  unavailable: () =>
    new StatusError(
      503,
      'ServiceUnavailable',
      'the server is currently unable to handle the request',
    ),
};
