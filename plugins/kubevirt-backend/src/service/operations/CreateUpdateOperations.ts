import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  CreateVmResponse,
  UpdateVmResponse,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { ClusterCache } from '../../cache/ClusterCache';
import { KubeObject } from '../../cache/ResourceCache';
import {
  ApiQuery,
  apiGroups,
  apiPath,
  dryRunQuery,
} from '../../clusters/apiPath';
import { KubernetesStatusError } from '../../clusters/ClusterClient';
import { toBackstageError } from '../errors';
import { sshKeySecret, vmFromTemplate } from '../manifests';
import { VmReads } from '../reads/VmReads';
import {
  createFromManifest,
  createFromChoices,
  parseInput,
  updateBody,
} from '../schemas';
import { vmLabel, VmRef } from '../VmRef';
import { clusterCall, deleteQuietly, existsOnCluster } from './clusterCalls';
import { VmOperationRunner } from './VmOperationRunner';
import {
  assertMayChangeOwnership,
  changedOwnershipKeys,
} from './ownershipKeys';

const { core, kubevirt, instancetype: instancetypes, cdi } = apiGroups;

/**
 * A manifest the user wrote is decoded strictly: the apiserver answers 400
 * naming an unknown field ("strict decoding error: unknown field
 * \"spec.runStrategyy\""), where its default (Warn) would drop it and answer
 * 201 with only a Warning header. The broker's own manifests (the create
 * form's) keep the default, so a field a cluster's older CRD lacks is not fatal.
 */
const STRICT: ApiQuery = { fieldValidation: 'Strict' };
/**
 * Creating a VM (from a full manifest, or from the create form's choices:
 * image, instancetype, preference, SSH key) and replacing a VM's manifest.
 * Neither leaves half a change behind.
 */
export class CreateUpdateOperations {
  constructor(
    private readonly runner: VmOperationRunner,
    private readonly reads: VmReads,
    private readonly logger: LoggerService,
  ) {}

  /** The target of a create, read before anything else so authorization can come first. */
  private createTarget(body: any): {
    cluster: string;
    namespace: string;
    name: string;
  } {
    const cluster = body?.cluster;
    const namespace = body?.manifest
      ? body.manifest?.metadata?.namespace
      : body?.namespace;
    const name = body?.manifest ? body.manifest?.metadata?.name : body?.name;
    if (typeof cluster !== 'string' || !cluster)
      throw new InputError('Invalid request body: cluster: is required');
    if (typeof namespace !== 'string' || !namespace) {
      throw new InputError(
        `Invalid request body: ${
          body?.manifest ? 'manifest.metadata.namespace' : 'namespace'
        }: is required`,
      );
    }
    return { cluster, namespace, name: typeof name === 'string' ? name : '' };
  }

  async create(
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<CreateVmResponse> {
    const target = this.createTarget(body);
    return this.runner.run(
      {
        event: 'vm-create',
        ref: target,
        credentials,
        permission: 'create',
        body: { value: body },
      },
      async ({ cache }) => {
        const dryRun = !!(body as { dryRun?: boolean }).dryRun;
        if ((body as { manifest?: unknown }).manifest !== undefined) {
          const input = parseInput(createFromManifest, body);
          const created = await this.createVm(
            cache,
            target,
            input.manifest as KubeObject,
            dryRun,
            STRICT,
          );
          return {
            vm: await this.reads.summaryOf(
              target.cluster,
              created,
              credentials,
            ),
            dryRun,
          };
        }
        const input = parseInput(createFromChoices, body);
        const [instancetype, preference] = await Promise.all([
          input.instancetype
            ? this.findInstancetypeKind(
                cache,
                'instancetype',
                input.instancetype,
                input.namespace,
              )
            : undefined,
          input.preference
            ? this.findInstancetypeKind(
                cache,
                'preference',
                input.preference,
                input.namespace,
              )
            : undefined,
          'goldenImage' in input.image
            ? this.mustHaveGoldenImage(cache, input.image.goldenImage)
            : undefined,
        ]);
        if (cache.vms.get(input.namespace, input.name)) {
          throw new ConflictError(
            `${vmLabel(target)} already exists on cluster ${target.cluster}`,
          );
        }
        const sshSecretName = input.sshPublicKey
          ? `${input.name}-ssh-key`
          : undefined;
        const manifest = vmFromTemplate({
          ...input,
          instancetype,
          preference,
          sshSecretName,
        });
        let secretCreated = false;
        if (input.sshPublicKey && sshSecretName) {
          await clusterCall(target, () =>
            cache.client.request(
              'POST',
              apiPath(
                { ...core, namespace: input.namespace, resource: 'secrets' },
                dryRunQuery(dryRun),
              ),
              sshKeySecret(input.namespace, sshSecretName, input.sshPublicKey!),
            ),
          );
          secretCreated = !dryRun;
        }
        let created: KubeObject;
        try {
          created = await this.createVm(cache, target, manifest, dryRun);
        } catch (error) {
          if (secretCreated)
            await deleteQuietly(
              cache,
              this.logger,
              apiPath({
                ...core,
                namespace: input.namespace,
                resource: 'secrets',
                name: sshSecretName,
              }),
            );
          throw error;
        }
        if (secretCreated) {
          // the key goes when the VM goes
          await cache.client
            .request(
              'PATCH',
              apiPath({
                ...core,
                namespace: input.namespace,
                resource: 'secrets',
                name: sshSecretName,
              }),
              {
                metadata: {
                  ownerReferences: [
                    {
                      apiVersion: 'kubevirt.io/v1',
                      kind: 'VirtualMachine',
                      name: created.metadata.name,
                      uid: created.metadata.uid,
                    },
                  ],
                },
              },
              'application/merge-patch+json',
            )
            .catch(e =>
              this.logger.warn(
                `Could not tie SSH key secret of ${target.namespace}/${target.name} on ${target.cluster} to its VM: ${e}`,
              ),
            );
        }
        return {
          vm: await this.reads.summaryOf(target.cluster, created, credentials),
          dryRun,
        };
      },
    );
  }

  private createVm(
    cache: ClusterCache,
    target: VmRef,
    manifest: KubeObject,
    dryRun: boolean,
    validation: ApiQuery = {},
  ) {
    return clusterCall(target, () =>
      cache.client.request<KubeObject>(
        'POST',
        apiPath(
          {
            ...kubevirt,
            namespace: target.namespace,
            resource: 'virtualmachines',
          },
          { ...dryRunQuery(dryRun), ...validation },
        ),
        manifest,
      ),
    );
  }

  /** Cluster-wide first, then the namespace's own: as KubeVirt resolves a bare name in a form. */
  private async findInstancetypeKind(
    cache: ClusterCache,
    what: 'instancetype' | 'preference',
    name: string,
    namespace: string,
  ) {
    const [clusterKind, nsKind, clusterPlural, nsPlural] =
      what === 'instancetype'
        ? [
            'VirtualMachineClusterInstancetype',
            'VirtualMachineInstancetype',
            'virtualmachineclusterinstancetypes',
            'virtualmachineinstancetypes',
          ]
        : [
            'VirtualMachineClusterPreference',
            'VirtualMachinePreference',
            'virtualmachineclusterpreferences',
            'virtualmachinepreferences',
          ];
    if (
      await existsOnCluster(
        cache,
        apiPath({ ...instancetypes, resource: clusterPlural, name }),
      )
    )
      return { kind: clusterKind, name };
    if (
      await existsOnCluster(
        cache,
        apiPath({ ...instancetypes, namespace, resource: nsPlural, name }),
      )
    )
      return { kind: nsKind, name };
    throw new InputError(
      `Invalid request body: ${what}: no ${what} named ${name} on cluster ${cache.name} (cluster-wide or in namespace ${namespace})`,
    );
  }

  private async mustHaveGoldenImage(
    cache: ClusterCache,
    image: { name: string; namespace: string },
  ) {
    if (
      !(await existsOnCluster(
        cache,
        apiPath({
          ...cdi,
          namespace: image.namespace,
          resource: 'datasources',
          name: image.name,
        }),
      ))
    ) {
      throw new InputError(
        `Invalid request body: image.goldenImage: no golden image (DataSource) ${image.namespace}/${image.name} on cluster ${cache.name}`,
      );
    }
  }

  async update(
    ref: VmRef,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<UpdateVmResponse> {
    return this.runner.run(
      {
        event: 'vm-update',
        ref,
        credentials,
        permission: 'update',
        body: { schema: updateBody, value: body },
      },
      async ({ cache, input }) => {
        const { metadata } = input.manifest;
        if (
          metadata.name !== ref.name ||
          metadata.namespace !== ref.namespace
        ) {
          throw new InputError(
            `Invalid request body: manifest.metadata: names ${metadata.namespace}/${metadata.name}, not ${ref.namespace}/${ref.name}; a VM cannot be renamed or moved`,
          );
        }
        const target = {
          ...kubevirt,
          namespace: ref.namespace,
          resource: 'virtualmachines',
          name: ref.name,
        };
        const path = apiPath(target);
        // the VM the manifest was read from: the cache holds it unless it moved on since, and
        // then the PUT below is a conflict anyway (a missing VM is left to the PUT, which answers it)
        const cached = cache.vms.get(ref.namespace, ref.name);
        const before =
          cached?.metadata.resourceVersion === metadata.resourceVersion
            ? cached
            : await cache.client
                .request<KubeObject>('GET', path)
                .catch(() => undefined);
        await assertMayChangeOwnership(
          this.runner.access,
          ref,
          changedOwnershipKeys(before?.metadata, metadata),
          credentials,
        );
        try {
          const updated = await cache.client.request<KubeObject>(
            'PUT',
            apiPath(target, { ...dryRunQuery(input.dryRun), ...STRICT }),
            input.manifest,
          );
          return {
            vm: await this.reads.summaryOf(ref.cluster, updated, credentials),
            dryRun: !!input.dryRun,
          };
        } catch (error) {
          if (
            error instanceof KubernetesStatusError &&
            error.statusCode === 409
          ) {
            const current = await cache.client
              .request<KubeObject>('GET', path)
              .catch(() => undefined);
            const conflict = new ConflictError(
              `${vmLabel(ref)} on cluster ${
                ref.cluster
              } changed since you read it (you sent resourceVersion ${
                metadata.resourceVersion
              }${
                current ? `, it is now ${current.metadata.resourceVersion}` : ''
              }); review the current object and apply your change again`,
            );
            // serialized into the error body, so the form can show what is there now
            Object.assign(conflict, {
              currentResourceVersion: current?.metadata.resourceVersion,
              current,
            });
            throw conflict;
          }
          throw toBackstageError(error, vmLabel(ref));
        }
      },
    );
  }
}
