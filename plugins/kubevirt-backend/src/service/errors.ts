import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { KubernetesStatusError } from '../clusters/ClusterClient';

/**
 * Turns what a cluster answered into the Backstage error with the matching
 * HTTP status, with a message that names the cluster and the VM; never the
 * request, token or stack.
 */
export function toBackstageError(error: unknown, target: string): Error {
  if (error instanceof KubernetesStatusError) {
    const message = `${target} on cluster ${error.cluster}: ${error.message}`;
    switch (error.statusCode) {
      case 400:
      case 422:
        return new InputError(message);
      case 401:
      case 403:
        return new NotAllowedError(`The cluster refused the broker: ${message}`);
      case 404:
        return new NotFoundError(message);
      case 409:
        return new ConflictError(message);
      default:
        return new ServiceUnavailableError(message);
    }
  }
  const text = String((error as Error)?.message ?? error);
  return new ServiceUnavailableError(`${target}: the cluster did not answer (${text})`);
}
