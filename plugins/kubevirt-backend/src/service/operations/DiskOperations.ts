import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  AcceptedResponse,
  AddVolumeResponse,
  ResizeDiskResponse,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubeObject } from '../../cache/ResourceCache';
import { apiGroups, apiPath, dryRunQuery } from '../../clusters/apiPath';
import { toBackstageError } from '../errors';
import { resizeDiskBody } from '../operationSchemas';
import { addVolumeBody, bytesOf } from '../schemas';
import { vmLabel, VmRef } from '../VmRef';
import {
  deleteQuietly,
  existsOnCluster,
  generatedName,
  isNotFound,
  mustVm,
  vmSubresourcePath,
} from './clusterCalls';
import { VmOperationRunner } from './VmOperationRunner';

const { core, cdi, storage } = apiGroups;

/** A VM's disks: hot-plug a volume (a new blank DataVolume or an existing claim), unplug it, grow one. */
export class DiskOperations {
  constructor(
    private readonly runner: VmOperationRunner,
    private readonly logger: LoggerService,
  ) {}

  async addVolume(
    ref: VmRef,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<AddVolumeResponse> {
    return this.runner.run(
      {
        event: 'vm-volume-add',
        ref,
        credentials,
        permission: 'addVolume',
        body: { schema: addVolumeBody, value: body },
        meta: { volume: (body as { name?: unknown } | undefined)?.name },
      },
      async ({ cache, input, call }) => {
        const vm = mustVm(cache, ref);
        if (
          (vm.spec?.template?.spec?.volumes ?? []).some(
            (v: { name: string }) => v.name === input.name,
          )
        ) {
          throw new ConflictError(
            `${vmLabel(ref)} on cluster ${
              ref.cluster
            } already has a volume named ${input.name}`,
          );
        }
        let dataVolume: string | undefined;
        if (input.pvc) {
          if (
            !(await existsOnCluster(
              cache,
              apiPath({
                ...core,
                namespace: ref.namespace,
                resource: 'persistentvolumeclaims',
                name: input.pvc,
              }),
            ))
          ) {
            throw new InputError(
              `Invalid request body: pvc: no claim named ${input.pvc} in namespace ${ref.namespace} on cluster ${ref.cluster}`,
            );
          }
        } else {
          dataVolume = generatedName(`${ref.name}-${input.name}`);
          await call(() =>
            cache.client.request(
              'POST',
              apiPath(
                { ...cdi, namespace: ref.namespace, resource: 'datavolumes' },
                dryRunQuery(input.dryRun),
              ),
              {
                apiVersion: 'cdi.kubevirt.io/v1beta1',
                kind: 'DataVolume',
                metadata: {
                  name: dataVolume,
                  namespace: ref.namespace,
                  labels: {
                    'app.kubernetes.io/managed-by': 'backstage-kubevirt',
                    'vm.kubevirt.io/name': ref.name,
                  },
                },
                spec: {
                  source: { blank: {} },
                  storage: { resources: { requests: { storage: input.size } } },
                },
              },
            ),
          );
        }
        try {
          await call(() =>
            cache.client.request('PUT', vmSubresourcePath(ref, 'addvolume'), {
              name: input.name,
              disk: { name: input.name, disk: { bus: input.bus ?? 'scsi' } },
              volumeSource: input.pvc
                ? {
                    persistentVolumeClaim: {
                      claimName: input.pvc,
                      hotpluggable: true,
                    },
                  }
                : { dataVolume: { name: dataVolume, hotpluggable: true } },
              ...(input.dryRun ? { dryRun: ['All'] } : {}),
            }),
          );
        } catch (error) {
          // the disk we made for this volume goes with the failed hot-plug
          if (dataVolume && !input.dryRun)
            await deleteQuietly(
              cache,
              this.logger,
              apiPath({
                ...cdi,
                namespace: ref.namespace,
                resource: 'datavolumes',
                name: dataVolume,
              }),
            );
          throw error;
        }
        return {
          volume: input.name,
          ...(dataVolume ? { dataVolume } : {}),
          dryRun: !!input.dryRun,
        };
      },
    );
  }

  async removeVolume(
    ref: VmRef,
    volume: string,
    options: { dryRun?: boolean },
    credentials: BackstageCredentials,
  ): Promise<AcceptedResponse> {
    return this.runner.run(
      {
        event: 'vm-volume-remove',
        ref,
        credentials,
        names: [['volume', volume]],
        permission: 'removeVolume',
        meta: { volume, dryRun: !!options.dryRun },
      },
      async ({ cache, call }) => {
        mustVm(cache, ref);
        await call(() =>
          cache.client.request('PUT', vmSubresourcePath(ref, 'removevolume'), {
            name: volume,
            ...(options.dryRun ? { dryRun: ['All'] } : {}),
          }),
        );
        return { accepted: true, dryRun: !!options.dryRun, volume };
      },
    );
  }

  async resizeDisk(
    ref: VmRef,
    volume: string,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<ResizeDiskResponse> {
    return this.runner.run(
      {
        event: 'vm-disk-resize',
        ref,
        credentials,
        names: [['volume', volume]],
        permission: 'resizeDisk',
        body: { schema: resizeDiskBody, value: body },
        meta: { volume, size: (body as { size?: unknown } | undefined)?.size },
      },
      async ({ cache, input, call }) => {
        const vm = mustVm(cache, ref);
        const source = (vm.spec?.template?.spec?.volumes ?? []).find(
          (v: { name: string }) => v.name === volume,
        );
        if (!source)
          throw new NotFoundError(
            `${vmLabel(ref)} on cluster ${
              ref.cluster
            } has no disk named ${volume}`,
          );
        const claim: string | undefined =
          source.dataVolume?.name ?? source.persistentVolumeClaim?.claimName;
        if (!claim) {
          const kind = Object.keys(source).find(k => k !== 'name') ?? 'unknown';
          throw new InputError(
            `Disk ${volume} of ${vmLabel(ref)} on cluster ${
              ref.cluster
            } is a ${kind} volume; only disks on a PVC or DataVolume can grow`,
          );
        }
        let pvc: KubeObject;
        try {
          pvc = await cache.client.request<KubeObject>(
            'GET',
            apiPath({
              ...core,
              namespace: ref.namespace,
              resource: 'persistentvolumeclaims',
              name: claim,
            }),
          );
        } catch (error) {
          if (isNotFound(error))
            throw new NotFoundError(
              `Disk ${volume} of ${vmLabel(ref)} on cluster ${
                ref.cluster
              }: no PersistentVolumeClaim ${claim} backs it (yet)`,
            );
          throw toBackstageError(error, vmLabel(ref));
        }
        const current: string | undefined =
          pvc.status?.capacity?.storage ??
          pvc.spec?.resources?.requests?.storage;
        if (current && bytesOf(current) >= bytesOf(input.size)) {
          throw new InputError(
            `Invalid request body: size: ${input.size} is not larger than the ${current} disk ${volume} has now; disks can only grow`,
          );
        }
        const className: string | undefined = pvc.spec?.storageClassName;
        if (className) {
          const sc = await cache.client
            .request<KubeObject & { allowVolumeExpansion?: boolean }>(
              'GET',
              apiPath({
                ...storage,
                resource: 'storageclasses',
                name: className,
              }),
            )
            .catch(() => undefined);
          if (sc && sc.allowVolumeExpansion !== true) {
            throw new ConflictError(
              `Disk ${volume} of ${vmLabel(ref)} on cluster ${
                ref.cluster
              } cannot grow: its storage class ${className} does not allow volume expansion`,
            );
          }
        }
        await call(() =>
          cache.client.request(
            'PATCH',
            apiPath(
              {
                ...core,
                namespace: ref.namespace,
                resource: 'persistentvolumeclaims',
                name: claim,
              },
              dryRunQuery(input.dryRun),
            ),
            { spec: { resources: { requests: { storage: input.size } } } },
            'application/merge-patch+json',
          ),
        );
        return {
          volume,
          claim,
          from: current,
          to: input.size,
          dryRun: !!input.dryRun,
        };
      },
    );
  }
}
