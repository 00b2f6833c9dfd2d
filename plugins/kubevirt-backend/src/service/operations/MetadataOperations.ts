import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  metadataKeyRule,
  UpdateVmMetadataResponse,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubeObject } from '../../cache/ResourceCache';
import { apiGroups, apiPath, dryRunQuery } from '../../clusters/apiPath';
import { KubernetesStatusError } from '../../clusters/ClusterClient';
import { updateMetadataBody } from '../metadataSchema';
import { vmLabel, VmRef } from '../VmRef';
import { isNotFound } from './clusterCalls';
import { assertMayChangeOwnership, MetadataKey } from './ownershipKeys';
import { VmOperationRunner } from './VmOperationRunner';

type StringMap = Record<string, string>;

/** The keys whose value differs between two maps (added, changed or removed), sorted. */
function changedKeys(before: StringMap, after: StringMap) {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter(k => before[k] !== after[k])
    .sort();
}

/** A JSON merge patch of one map: new values, and null for what goes. */
function mergePatchOf(after: StringMap, keys: string[]) {
  return Object.fromEntries(keys.map(k => [k, k in after ? after[k] : null]));
}

/**
 * A VM's labels and annotations, edited from the overview: the whole sets
 * the caller wants, written as a merge patch that carries the
 * resourceVersion they were read at, so the apiserver refuses (409) a VM
 * that changed meanwhile, as the YAML tab's save does.
 */
export class MetadataOperations {
  constructor(private readonly runner: VmOperationRunner) {}

  async updateMetadata(
    ref: VmRef,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<UpdateVmMetadataResponse> {
    return this.runner.run(
      {
        event: 'vm-metadata-update',
        ref,
        credentials,
        permission: 'editMetadata',
        body: { schema: updateMetadataBody, value: body },
      },
      async ({ cache, input, call }) => {
        const target = {
          ...apiGroups.kubevirt,
          namespace: ref.namespace,
          resource: 'virtualmachines',
          name: ref.name,
        };
        // the cluster's object, not the cache's: the conflict check must see the newest
        let current: KubeObject;
        try {
          current = await cache.client.request<KubeObject>(
            'GET',
            apiPath(target),
          );
        } catch (error) {
          if (isNotFound(error))
            throw new NotFoundError(
              `${vmLabel(ref)} not found on cluster ${ref.cluster}`,
            );
          return call(() => Promise.reject(error));
        }
        if (current.metadata.resourceVersion !== input.resourceVersion)
          throw this.conflict(ref, input.resourceVersion, current);

        const before = {
          labels: (current.metadata.labels ?? {}) as StringMap,
          annotations: (current.metadata.annotations ?? {}) as StringMap,
        };
        const changed = {
          labels: changedKeys(before.labels, input.labels),
          annotations: changedKeys(before.annotations, input.annotations),
        };
        await this.checkKeys(ref, changed, credentials);

        const patch = {
          metadata: {
            resourceVersion: input.resourceVersion,
            ...(changed.labels.length
              ? {
                  labels: mergePatchOf(input.labels, changed.labels),
                }
              : {}),
            ...(changed.annotations.length
              ? {
                  annotations: mergePatchOf(
                    input.annotations,
                    changed.annotations,
                  ),
                }
              : {}),
          },
        };
        let updated = current;
        if (changed.labels.length || changed.annotations.length) {
          try {
            updated = await cache.client.request<KubeObject>(
              'PATCH',
              apiPath(target, dryRunQuery(input.dryRun)),
              patch,
              'application/merge-patch+json',
            );
          } catch (error) {
            if (
              error instanceof KubernetesStatusError &&
              error.statusCode === 409
            ) {
              const now = await cache.client
                .request<KubeObject>('GET', apiPath(target))
                .catch(() => undefined);
              throw this.conflict(ref, input.resourceVersion, now);
            }
            return call(() => Promise.reject(error));
          }
        }
        return {
          labels: (updated.metadata.labels ?? {}) as StringMap,
          annotations: (updated.metadata.annotations ?? {}) as StringMap,
          resourceVersion: updated.metadata.resourceVersion ?? '',
          dryRun: !!input.dryRun,
          changed,
        };
      },
    );
  }

  /**
   * Keys kept by Kubernetes or KubeVirt are never changed here; the keys
   * that say who owns the VM only by a caller who may delete it (changing
   * them hands the VM, and the rights on it, to another team).
   */
  private async checkKeys(
    ref: VmRef,
    changed: { labels: string[]; annotations: string[] },
    credentials: BackstageCredentials,
  ) {
    const all = [
      ...changed.labels.map(k => ({ k, what: 'label' })),
      ...changed.annotations.map(k => ({ k, what: 'annotation' })),
    ];
    const platform = all.filter(({ k }) => metadataKeyRule(k) === 'platform');
    if (platform.length)
      throw new InputError(
        `Invalid request body: ${platform
          .map(({ k, what }) => `${what} ${k}`)
          .join(
            ', ',
          )} is kept by Kubernetes or KubeVirt and cannot be changed from the portal`,
      );
    const ownership = all.filter(({ k }) => metadataKeyRule(k) === 'ownership');
    await assertMayChangeOwnership(
      this.runner.access,
      ref,
      ownership as MetadataKey[],
      credentials,
    );
  }

  private conflict(ref: VmRef, sent: string, current?: KubeObject) {
    const conflict = new ConflictError(
      `${vmLabel(ref)} on cluster ${
        ref.cluster
      } changed since you read it (you sent resourceVersion ${sent}${
        current ? `, it is now ${current.metadata.resourceVersion}` : ''
      }); review the current labels and annotations and apply your change again`,
    );
    // serialized into the error body, so the editor can show what is there now
    Object.assign(conflict, {
      currentResourceVersion: current?.metadata.resourceVersion,
      current,
    });
    return conflict;
  }
}
