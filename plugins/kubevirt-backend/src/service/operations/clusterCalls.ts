import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { ClusterCache } from '../../cache/ClusterCache';
import { KubeObject } from '../../cache/ResourceCache';
import {
  ApiPath,
  apiGroups,
  apiPath,
  dryRunQuery,
} from '../../clusters/apiPath';
import {
  ClusterCredentialsError,
  KubernetesStatusError,
} from '../../clusters/ClusterClient';
import { UnreachableError } from '../../clusters/httpJson';
import { activeMigration } from '../details';
import { toBackstageError } from '../errors';
import { vmLabel, VmRef } from '../VmRef';
import { ConflictError } from '@backstage/errors';

/** Helpers the operations share for talking to a cluster and checking a VM's state. */

export const isNotFound = (e: unknown) =>
  e instanceof KubernetesStatusError && e.statusCode === 404;

/** The dryRun flag of a request body, for the audit event (before the body is validated). */
export const dryRunOf = (body: unknown) =>
  !!(body as { dryRun?: boolean } | undefined)?.dryRun;

/** Runs one cluster call and maps its failure to the Backstage error that names the VM. */
export async function clusterCall<T>(ref: VmRef, fn: () => Promise<T>) {
  try {
    return await fn();
  } catch (error) {
    throw toBackstageError(error, vmLabel(ref));
  }
}

/** Errors whose text names their cluster (an answer, an unreachable cluster, its credentials). */
const namesClusterItself = (error: unknown) =>
  error instanceof KubernetesStatusError ||
  error instanceof UnreachableError ||
  error instanceof ClusterCredentialsError;

/**
 * Runs one read of a cluster and maps its failure to the Backstage error,
 * which names the cluster (the error knows it: `what` does not repeat it).
 */
export async function clusterRead<T>(
  cluster: string,
  fn: () => Promise<T>,
  what = 'Reading',
) {
  try {
    return await fn();
  } catch (error) {
    throw toBackstageError(
      error,
      namesClusterItself(error) ? what : `${what} cluster ${cluster}`,
    );
  }
}

/** Whether the cluster has the object at `path` (a 404 is "no", any other failure an error). */
export async function existsOnCluster(cache: ClusterCache, path: ApiPath) {
  try {
    await cache.client.request('GET', path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw toBackstageError(
      error,
      `Looking up ${path.split('/').slice(-2).join(' ')}`,
    );
  }
}

/** Cleanup after a failed write: a failure to clean up is logged, never thrown over the first error. */
export async function deleteQuietly(
  cache: ClusterCache,
  logger: LoggerService,
  path: ApiPath,
) {
  await cache.client
    .request('DELETE', path)
    .catch(e =>
      logger.error(`Could not clean up ${path} on ${cache.name}: ${e}`),
    );
}

/** A generated object name cut to 63 characters, as DNS-1123 allows (no trailing dash). */
export const generatedName = (name: string) =>
  name.slice(0, 63).replace(/-+$/, '');

/** yyyymmdd-hhmmss: generated names that sort by time and stay DNS-1123 */
export const stamp = () =>
  new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

export const vmPath = (ref: VmRef, dryRun?: boolean) =>
  apiPath(
    {
      ...apiGroups.kubevirt,
      namespace: ref.namespace,
      resource: 'virtualmachines',
      name: ref.name,
    },
    dryRunQuery(dryRun),
  );

/** A VM's subresource (KubeVirt's subresources API), e.g. `addvolume`. */
export const vmSubresourcePath = (ref: VmRef, subresource: string) =>
  apiPath({
    ...apiGroups.subresources,
    namespace: ref.namespace,
    resource: 'virtualmachines',
    name: ref.name,
    subresource,
  });

/**
 * The error for a VM the cache does not hold: a 404 naming it, or a 503 with
 * the cluster's state when the cache cannot tell (not listed, watch lost).
 */
export function vmNotInCache(cache: ClusterCache, ref: VmRef) {
  const unknown = cache.vmLookupUnavailable();
  return unknown
    ? new ServiceUnavailableError(
        `Cannot look up ${vmLabel(ref).toLowerCase()}: ${unknown}`,
      )
    : new NotFoundError(`${vmLabel(ref)} not found on cluster ${ref.cluster}`);
}

/** The VM from the cache, or a 404 naming it (503 when the cache cannot tell). */
export function mustVm(cache: ClusterCache, ref: VmRef) {
  const vm = cache.vms.get(ref.namespace, ref.name);
  if (!vm) throw vmNotInCache(cache, ref);
  return vm;
}

/** The VM as the cluster has it now: a spec change must start from the latest resourceVersion. */
export function freshVm(cache: ClusterCache, ref: VmRef) {
  return clusterCall(ref, () =>
    cache.client.request<KubeObject>('GET', vmPath(ref)),
  );
}

/** Writes a changed VM spec back (PUT, so a stale resourceVersion is a 409). */
export function replaceVm(
  cache: ClusterCache,
  ref: VmRef,
  vm: KubeObject,
  dryRun?: boolean,
) {
  return clusterCall(ref, () =>
    cache.client.request<KubeObject>('PUT', vmPath(ref, dryRun), vm),
  );
}

export function isRunning(cache: ClusterCache, ref: VmRef) {
  return !!cache.vmis.get(ref.namespace, ref.name);
}

/** A 409 while the VM migrates: `what` is the change that has to wait. */
export function mustNotMigrate(cache: ClusterCache, ref: VmRef, what: string) {
  if (activeMigration(cache.ofVm(cache.migrations, ref.namespace, ref.name))) {
    throw new ConflictError(
      `${vmLabel(ref)} on cluster ${
        ref.cluster
      } is migrating; ${what} after the migration ends`,
    );
  }
}
