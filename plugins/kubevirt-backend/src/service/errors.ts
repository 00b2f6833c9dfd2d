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

/** `target`, naming the cluster unless it already does ("Reading cluster east" stays as it is). */
export function onCluster(target: string, cluster: string) {
  return namesCluster(target, cluster)
    ? target
    : `${target} on cluster ${cluster}`;
}

function namesCluster(target: string, cluster: string) {
  const escaped = cluster.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\bcluster ${escaped}(?![-.\\w])`, 'i').test(target);
}

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
  // the reason names the cluster already
  const what = namesCluster(target, error.cluster) ? '' : `${target}: `;
  return new NotAllowedError(
    `${why.charAt(0).toUpperCase()}${why.slice(1)}: ${what}${error.message}`,
  );
}

/** Which part of KubeVirt (or else which API) a request path belongs to, for an unavailable API. */
function apiOf(path: string | undefined) {
  const [, root, group, version] = (path ?? '').split('/');
  if (root !== 'apis' || !group)
    return { api: 'the API asked for', kubevirt: false };
  const api = version ? `${group}/${version}` : group;
  if (group === 'subresources.kubevirt.io')
    return {
      api: `${api} (virt-api: start, stop, console, hot-plug...)`,
      kubevirt: true,
    };
  return { api, kubevirt: group === 'kubevirt.io' };
}

/**
 * A 404 or 503 whose body is not a Kubernetes Status: the apiserver's own
 * "404 page not found" for an API group nothing serves (virt-api's APIService
 * or a CRD missing), or kube-aggregator's plain "service unavailable" for an
 * aggregated API whose server is down. Either way the cluster's API is
 * unavailable, which says nothing of whether the object exists.
 */
function unavailableApi(error: KubernetesStatusError, target: string) {
  if (error.isStatus || ![404, 503].includes(error.statusCode))
    return undefined;
  const { api, kubevirt } = apiOf(error.path);
  const which = kubevirt ? 'the KubeVirt API' : 'an API';
  const whose = namesCluster(target, error.cluster)
    ? which
    : `${which} of cluster ${error.cluster}`;
  const why =
    error.statusCode === 404
      ? `the cluster does not serve ${api}`
      : `${api} answered 503 ${error.message || 'service unavailable'}`;
  return new ServiceUnavailableError(
    `${target}: ${whose} is unavailable: ${why}`,
  );
}

/**
 * Turns what a cluster answered into the Backstage error with the matching
 * HTTP status, by the Status reason first and the HTTP code second, with a
 * message that names the cluster and the VM; never the request, token or stack.
 */
export function toBackstageError(error: unknown, target: string): Error {
  if (error instanceof KubernetesStatusError) {
    const message = `${onCluster(target, error.cluster)}: ${error.message}`;
    const reason = error.status?.reason;
    const unavailable = unavailableApi(error, target);
    if (unavailable) return unavailable;
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
