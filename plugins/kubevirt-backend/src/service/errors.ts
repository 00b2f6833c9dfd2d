import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ClusterCredentialsError,
  KubernetesStatusError,
} from '../clusters/ClusterClient';
import { refusalText, UnreachableError } from '../clusters/httpJson';

/**
 * KubeVirt answers some wrong-state refusals with 500 (virt-api's "already
 * underway", admission webhooks that deny a migration or restore): those are
 * the caller's conflict with the VM's state, not an outage.
 */
const wrongState = [
  /already underway/i,
  /in-flight migration/i,
  /cannot migrate vmi/i,
  /run ?strategy has to be/i,
  /not stopped/i,
  /restore target vmi still exists/i,
  /restore in progress/i,
  /snapshot is in progress/i,
];

/**
 * A 401 or 403: the broker's credentials refused, the broker lacking a right,
 * or (impersonating) the cluster refusing the user, in the cluster's words.
 */
function refusal(error: KubernetesStatusError, target: string) {
  const code =
    error.statusCode === 401 || error.status?.reason === 'Unauthorized'
      ? 401
      : 403;
  const why = refusalText(code, error.cluster, error.actingAs, error.message)!;
  return new NotAllowedError(
    `${why.charAt(0).toUpperCase()}${why.slice(1)}: ${target}: ${
      error.message
    }`,
  );
}

/**
 * Turns what a cluster answered into the Backstage error with the matching
 * HTTP status, by the Status reason first and the HTTP code second, with a
 * message that names the cluster and the VM; never the request, token or stack.
 */
export function toBackstageError(error: unknown, target: string): Error {
  if (error instanceof KubernetesStatusError) {
    const message = `${target} on cluster ${error.cluster}: ${error.message}`;
    const reason = error.status?.reason;
    if (wrongState.some(re => re.test(error.message)))
      return new ConflictError(message);
    switch (reason) {
      case 'Invalid':
      case 'BadRequest':
      case 'UnsupportedMediaType':
      case 'RequestEntityTooLarge':
      case 'MethodNotAllowed':
        return new InputError(message);
      case 'Forbidden':
      case 'Unauthorized':
        return refusal(error, target);
      case 'NotFound':
        return new NotFoundError(message);
      case 'Conflict':
      case 'AlreadyExists':
        return new ConflictError(message);
      case 'Timeout':
      case 'ServerTimeout':
      case 'TooManyRequests':
      case 'ServiceUnavailable':
        return new ServiceUnavailableError(message);
      default:
        break;
    }
    switch (error.statusCode) {
      case 400:
      case 405:
      case 413:
      case 415:
      case 422:
        return new InputError(message);
      case 401:
      case 403:
        return refusal(error, target);
      case 404:
        return new NotFoundError(message);
      case 409:
        return new ConflictError(message);
      default:
        return new ServiceUnavailableError(message);
    }
  }
  if (
    error instanceof UnreachableError ||
    error instanceof ClusterCredentialsError
  )
    return new ServiceUnavailableError(`${target}: ${error.message}`);
  const text = String((error as Error)?.message ?? error);
  return new ServiceUnavailableError(
    `${target}: the cluster did not answer (${text})`,
  );
}
