import { BackstageCredentials, LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  AcceptedResponse,
  AddVolumeResponse,
  CloneResponse,
  CreateSnapshotResponse,
  CreateVmResponse,
  RestoreResponse,
  UpdateVmResponse,
} from '@internal/plugin-kubevirt-common';
import { ClusterCache } from '../cache/ClusterCache';
import { KubeObject } from '../cache/ResourceCache';
import { KubernetesStatusError } from '../clusters/ClusterClient';
import { ClusterReads } from './ClusterReads';
import { activeMigration, restoreInfo, snapshotInfo } from './details';
import { toBackstageError } from './errors';
import { sshKeySecret, vmFromTemplate } from './manifests';
import {
  addVolumeBody,
  cloneBody,
  createFromManifest,
  createFromTemplate,
  dryRunBody,
  parseInput,
  restoreBody,
  snapshotBody,
  updateBody,
} from './schemas';
import { VmRef, VmService } from './VmService';

const KV = '/apis/kubevirt.io/v1';
const SNAP = '/apis/snapshot.kubevirt.io/v1beta1';
const IT = '/apis/instancetype.kubevirt.io/v1beta1';
const CDI = '/apis/cdi.kubevirt.io/v1beta1';
const SUB = '/apis/subresources.kubevirt.io/v1';

const dry = (dryRun?: boolean) => (dryRun ? '?dryRun=All' : '');
const isNotFound = (e: unknown) => e instanceof KubernetesStatusError && e.statusCode === 404;
const label = (ref: VmRef) => `Virtual machine ${ref.namespace}/${ref.name}`;

// yyyymmdd-hhmmss: snapshot names that sort by time and stay DNS-1123
const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/**
 * The broker's writes beyond the one-request actions. Each one, in order:
 * authorizes (VmService.authorize / authorizeCreate), validates the body with
 * zod (400 naming the field), checks what the cluster must have, calls the
 * cluster (dryRun=All when asked), inside one audit event. None leaves half a
 * change behind.
 */
export class VmWrites {
  constructor(
    private readonly vms: VmService,
    private readonly reads: ClusterReads,
    private readonly logger: LoggerService,
  ) {}

  /** The target of a create, read before anything else so authorization can come first. */
  private createTarget(body: any): { cluster: string; namespace: string; name: string } {
    const cluster = body?.cluster;
    const namespace = body?.manifest ? body.manifest?.metadata?.namespace : body?.namespace;
    const name = body?.manifest ? body.manifest?.metadata?.name : body?.name;
    if (typeof cluster !== 'string' || !cluster) throw new InputError('Invalid request body: cluster: is required');
    if (typeof namespace !== 'string' || !namespace) {
      throw new InputError(`Invalid request body: ${body?.manifest ? 'manifest.metadata.namespace' : 'namespace'}: is required`);
    }
    return { cluster, namespace, name: typeof name === 'string' ? name : '' };
  }

  async create(body: unknown, credentials: BackstageCredentials): Promise<CreateVmResponse> {
    const target = this.createTarget(body);
    return this.vms.audited(
      'vm-create',
      target,
      credentials,
      async () => {
        await this.vms.authorizeCreate(target, credentials);
        const cache = this.vms.mustCluster(target);
        const dryRun = !!(body as { dryRun?: boolean }).dryRun;
        if ((body as { manifest?: unknown }).manifest !== undefined) {
          const input = parseInput(createFromManifest, body);
          const created = await this.createVm(cache, target, input.manifest as KubeObject, dryRun);
          return { vm: await this.vms.summaryOf(target.cluster, created, credentials), dryRun };
        }
        const input = parseInput(createFromTemplate, body);
        const [instancetype, preference] = await Promise.all([
          input.instancetype ? this.findInstancetypeKind(cache, 'instancetype', input.instancetype, input.namespace) : undefined,
          input.preference ? this.findInstancetypeKind(cache, 'preference', input.preference, input.namespace) : undefined,
          'goldenImage' in input.image ? this.mustHaveGoldenImage(cache, input.image.goldenImage) : undefined,
        ]);
        if (cache.vms.get(input.namespace, input.name)) {
          throw new ConflictError(`${label(target)} already exists on cluster ${target.cluster}`);
        }
        const sshSecretName = input.sshPublicKey ? `${input.name}-ssh-key` : undefined;
        const manifest = vmFromTemplate({ ...input, instancetype, preference, sshSecretName });
        let secretCreated = false;
        if (input.sshPublicKey && sshSecretName) {
          await this.vms.clusterCall(target, () =>
            cache.client.request('POST', `/api/v1/namespaces/${input.namespace}/secrets${dry(dryRun)}`, sshKeySecret(input.namespace, sshSecretName, input.sshPublicKey!)),
          );
          secretCreated = !dryRun;
        }
        let created: KubeObject;
        try {
          created = await this.createVm(cache, target, manifest, dryRun);
        } catch (error) {
          if (secretCreated) await this.deleteQuietly(cache, `/api/v1/namespaces/${input.namespace}/secrets/${sshSecretName}`);
          throw error;
        }
        if (secretCreated) {
          // the key goes when the VM goes
          await cache.client
            .request('PATCH', `/api/v1/namespaces/${input.namespace}/secrets/${sshSecretName}`, {
              metadata: { ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: created.metadata.name, uid: created.metadata.uid }] },
            }, 'application/merge-patch+json')
            .catch(e => this.logger.warn(`Could not tie SSH key secret of ${target.namespace}/${target.name} on ${target.cluster} to its VM: ${e}`));
        }
        return { vm: await this.vms.summaryOf(target.cluster, created, credentials), dryRun };
      },
      { dryRun: !!(body as { dryRun?: boolean } | undefined)?.dryRun },
    );
  }

  private createVm(cache: ClusterCache, target: VmRef, manifest: KubeObject, dryRun: boolean) {
    return this.vms.clusterCall(target, () =>
      cache.client.request<KubeObject>('POST', `${KV}/namespaces/${target.namespace}/virtualmachines${dry(dryRun)}`, manifest),
    );
  }

  /** Cluster-wide first, then the namespace's own: as KubeVirt resolves a bare name in a form. */
  private async findInstancetypeKind(cache: ClusterCache, what: 'instancetype' | 'preference', name: string, namespace: string) {
    const [clusterKind, nsKind, clusterPlural, nsPlural] =
      what === 'instancetype'
        ? ['VirtualMachineClusterInstancetype', 'VirtualMachineInstancetype', 'virtualmachineclusterinstancetypes', 'virtualmachineinstancetypes']
        : ['VirtualMachineClusterPreference', 'VirtualMachinePreference', 'virtualmachineclusterpreferences', 'virtualmachinepreferences'];
    if (await this.exists(cache, `${IT}/${clusterPlural}/${name}`)) return { kind: clusterKind, name };
    if (await this.exists(cache, `${IT}/namespaces/${namespace}/${nsPlural}/${name}`)) return { kind: nsKind, name };
    throw new InputError(`Invalid request body: ${what}: no ${what} named ${name} on cluster ${cache.name} (cluster-wide or in namespace ${namespace})`);
  }

  private async mustHaveGoldenImage(cache: ClusterCache, image: { name: string; namespace: string }) {
    if (!(await this.exists(cache, `${CDI}/namespaces/${image.namespace}/datasources/${image.name}`))) {
      throw new InputError(`Invalid request body: image.goldenImage: no golden image (DataSource) ${image.namespace}/${image.name} on cluster ${cache.name}`);
    }
  }

  private async exists(cache: ClusterCache, path: string) {
    try {
      await cache.client.request('GET', path);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw toBackstageError(error, `Looking up ${path.split('/').slice(-2).join(' ')}`);
    }
  }

  private async deleteQuietly(cache: ClusterCache, path: string) {
    await cache.client.request('DELETE', path).catch(e => this.logger.error(`Could not clean up ${path} on ${cache.name}: ${e}`));
  }

  async update(ref: VmRef, body: unknown, credentials: BackstageCredentials): Promise<UpdateVmResponse> {
    return this.vms.audited('vm-update', ref, credentials, async () => {
      await this.vms.authorize(ref, 'update', credentials);
      const input = parseInput(updateBody, body);
      const { metadata } = input.manifest;
      if (metadata.name !== ref.name || metadata.namespace !== ref.namespace) {
        throw new InputError(`Invalid request body: manifest.metadata: names ${metadata.namespace}/${metadata.name}, not ${ref.namespace}/${ref.name}; a VM cannot be renamed or moved`);
      }
      const cache = this.vms.mustCluster(ref);
      const path = `${KV}/namespaces/${ref.namespace}/virtualmachines/${ref.name}`;
      try {
        const updated = await cache.client.request<KubeObject>('PUT', `${path}${dry(input.dryRun)}`, input.manifest);
        return { vm: await this.vms.summaryOf(ref.cluster, updated, credentials), dryRun: !!input.dryRun };
      } catch (error) {
        if (error instanceof KubernetesStatusError && error.statusCode === 409) {
          const current = await cache.client.request<KubeObject>('GET', path).catch(() => undefined);
          const conflict = new ConflictError(
            `${label(ref)} on cluster ${ref.cluster} changed since you read it (you sent resourceVersion ${metadata.resourceVersion}${current ? `, it is now ${current.metadata.resourceVersion}` : ''}); review the current object and apply your change again`,
          );
          // serialized into the error body, so the form can show what is there now
          Object.assign(conflict, { currentResourceVersion: current?.metadata.resourceVersion, current });
          throw conflict;
        }
        throw toBackstageError(error, label(ref));
      }
    }, { dryRun: !!(body as { dryRun?: boolean } | undefined)?.dryRun });
  }

  private mustVm(cache: ClusterCache, ref: VmRef) {
    const vm = cache.vms.get(ref.namespace, ref.name);
    if (!vm) throw new NotFoundError(`${label(ref)} not found on cluster ${ref.cluster}`);
    return vm;
  }

  async snapshot(ref: VmRef, body: unknown, credentials: BackstageCredentials): Promise<CreateSnapshotResponse> {
    return this.vms.audited('vm-snapshot', ref, credentials, async () => {
      await this.vms.authorize(ref, 'snapshot', credentials);
      const input = parseInput(snapshotBody, body);
      const cache = this.vms.mustCluster(ref);
      this.mustVm(cache, ref);
      const name = input.name ?? `${ref.name}-${stamp()}`.slice(0, 63).replace(/-+$/, '');
      const created = await this.vms.clusterCall(ref, () =>
        cache.client.request<KubeObject>('POST', `${SNAP}/namespaces/${ref.namespace}/virtualmachinesnapshots${dry(input.dryRun)}`, {
          apiVersion: 'snapshot.kubevirt.io/v1beta1',
          kind: 'VirtualMachineSnapshot',
          metadata: { name, namespace: ref.namespace },
          spec: { source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: ref.name } },
        }),
      );
      return { snapshot: snapshotInfo(created), dryRun: !!input.dryRun };
    }, { dryRun: !!(body as { dryRun?: boolean } | undefined)?.dryRun });
  }

  /** A snapshot of this VM, from the cluster: a snapshot of another VM is not found here. */
  private async snapshotOf(cache: ClusterCache, ref: VmRef, snapshot: string) {
    let snap: KubeObject | undefined;
    try {
      snap = await cache.client.request<KubeObject>('GET', `${SNAP}/namespaces/${ref.namespace}/virtualmachinesnapshots/${encodeURIComponent(snapshot)}`);
    } catch (error) {
      if (!isNotFound(error)) throw toBackstageError(error, label(ref));
    }
    if (!snap || snap.spec?.source?.name !== ref.name) {
      throw new NotFoundError(`${label(ref)} on cluster ${ref.cluster} has no snapshot named ${snapshot}`);
    }
    return snap;
  }

  async deleteSnapshot(ref: VmRef, snapshot: string, options: { dryRun?: boolean }, credentials: BackstageCredentials): Promise<AcceptedResponse> {
    return this.vms.audited('vm-snapshot-delete', ref, credentials, async () => {
      await this.vms.authorize(ref, 'deleteSnapshot', credentials);
      const cache = this.vms.mustCluster(ref);
      await this.snapshotOf(cache, ref, snapshot);
      await this.vms.clusterCall(ref, () =>
        cache.client.request('DELETE', `${SNAP}/namespaces/${ref.namespace}/virtualmachinesnapshots/${encodeURIComponent(snapshot)}${dry(options.dryRun)}`),
      );
      return { accepted: true, dryRun: !!options.dryRun, snapshot };
    }, { snapshot, dryRun: !!options.dryRun });
  }

  async restore(ref: VmRef, body: unknown, credentials: BackstageCredentials): Promise<RestoreResponse> {
    return this.vms.audited('vm-restore', ref, credentials, async () => {
      await this.vms.authorize(ref, 'restore', credentials);
      const input = parseInput(restoreBody, body);
      const cache = this.vms.mustCluster(ref);
      const vm = this.mustVm(cache, ref);
      const snap = await this.snapshotOf(cache, ref, input.snapshot);
      if (!snap.status?.readyToUse) {
        throw new ConflictError(`Snapshot ${input.snapshot} of ${label(ref)} on cluster ${ref.cluster} is not ready to use (${snap.status?.phase ?? 'pending'})`);
      }
      // KubeVirt only restores a stopped VM; say so before creating a restore that would wait forever
      const vmi = cache.vmis.get(ref.namespace, ref.name);
      if (vmi || (vm.spec?.runStrategy && vm.spec.runStrategy !== 'Halted') || vm.spec?.running === true) {
        throw new ConflictError(`${label(ref)} on cluster ${ref.cluster} is running (${vm.status?.printableStatus ?? 'unknown'}); stop it before restoring snapshot ${input.snapshot}`);
      }
      const name = input.name ?? `${input.snapshot}-restore-${stamp()}`.slice(0, 63).replace(/-+$/, '');
      const created = await this.vms.clusterCall(ref, () =>
        cache.client.request<KubeObject>('POST', `${SNAP}/namespaces/${ref.namespace}/virtualmachinerestores${dry(input.dryRun)}`, {
          apiVersion: 'snapshot.kubevirt.io/v1beta1',
          kind: 'VirtualMachineRestore',
          metadata: { name, namespace: ref.namespace },
          spec: { target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: ref.name }, virtualMachineSnapshotName: input.snapshot },
        }),
      );
      return { restore: restoreInfo(created), dryRun: !!input.dryRun };
    }, { snapshot: (body as { snapshot?: unknown } | undefined)?.snapshot, dryRun: !!(body as { dryRun?: boolean } | undefined)?.dryRun });
  }

  async clone(ref: VmRef, body: unknown, credentials: BackstageCredentials): Promise<CloneResponse> {
    return this.vms.audited('vm-clone', ref, credentials, async () => {
      await this.vms.authorize(ref, 'clone', credentials);
      const input = parseInput(cloneBody, body);
      const cache = this.vms.mustCluster(ref);
      this.mustVm(cache, ref);
      if (cache.vms.get(ref.namespace, input.targetName)) {
        throw new ConflictError(`Virtual machine ${ref.namespace}/${input.targetName} already exists on cluster ${ref.cluster}; choose another name for the clone of ${ref.name}`);
      }
      const created = await this.vms.clusterCall(ref, () =>
        cache.client.request<KubeObject>('POST', `/apis/clone.kubevirt.io/v1beta1/namespaces/${ref.namespace}/virtualmachineclones${dry(input.dryRun)}`, {
          apiVersion: 'clone.kubevirt.io/v1beta1',
          kind: 'VirtualMachineClone',
          metadata: { name: `${ref.name}-to-${input.targetName}`.slice(0, 63).replace(/-+$/, ''), namespace: ref.namespace },
          spec: {
            source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: ref.name },
            target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: input.targetName },
          },
        }),
      );
      return { clone: { name: created.metadata.name, source: ref.name, targetName: input.targetName, phase: created.status?.phase }, dryRun: !!input.dryRun };
    }, { targetName: (body as { targetName?: unknown } | undefined)?.targetName, dryRun: !!(body as { dryRun?: boolean } | undefined)?.dryRun });
  }

  async addVolume(ref: VmRef, body: unknown, credentials: BackstageCredentials): Promise<AddVolumeResponse> {
    return this.vms.audited('vm-volume-add', ref, credentials, async () => {
      await this.vms.authorize(ref, 'addVolume', credentials);
      const input = parseInput(addVolumeBody, body);
      const cache = this.vms.mustCluster(ref);
      const vm = this.mustVm(cache, ref);
      if ((vm.spec?.template?.spec?.volumes ?? []).some((v: { name: string }) => v.name === input.name)) {
        throw new ConflictError(`${label(ref)} on cluster ${ref.cluster} already has a volume named ${input.name}`);
      }
      let dataVolume: string | undefined;
      if (input.pvc) {
        if (!(await this.exists(cache, `/api/v1/namespaces/${ref.namespace}/persistentvolumeclaims/${encodeURIComponent(input.pvc)}`))) {
          throw new InputError(`Invalid request body: pvc: no claim named ${input.pvc} in namespace ${ref.namespace} on cluster ${ref.cluster}`);
        }
      } else {
        dataVolume = `${ref.name}-${input.name}`.slice(0, 63).replace(/-+$/, '');
        await this.vms.clusterCall(ref, () =>
          cache.client.request('POST', `${CDI}/namespaces/${ref.namespace}/datavolumes${dry(input.dryRun)}`, {
            apiVersion: 'cdi.kubevirt.io/v1beta1',
            kind: 'DataVolume',
            metadata: { name: dataVolume, namespace: ref.namespace, labels: { 'app.kubernetes.io/managed-by': 'backstage-kubevirt', 'vm.kubevirt.io/name': ref.name } },
            spec: { source: { blank: {} }, storage: { resources: { requests: { storage: input.size } } } },
          }),
        );
      }
      try {
        await this.vms.clusterCall(ref, () =>
          cache.client.request('PUT', `${SUB}/namespaces/${ref.namespace}/virtualmachines/${ref.name}/addvolume`, {
            name: input.name,
            disk: { name: input.name, disk: { bus: input.bus ?? 'scsi' } },
            volumeSource: input.pvc
              ? { persistentVolumeClaim: { claimName: input.pvc, hotpluggable: true } }
              : { dataVolume: { name: dataVolume, hotpluggable: true } },
            ...(input.dryRun ? { dryRun: ['All'] } : {}),
          }),
        );
      } catch (error) {
        // the disk we made for this volume goes with the failed hot-plug
        if (dataVolume && !input.dryRun) await this.deleteQuietly(cache, `${CDI}/namespaces/${ref.namespace}/datavolumes/${dataVolume}`);
        throw error;
      }
      return { volume: input.name, ...(dataVolume ? { dataVolume } : {}), dryRun: !!input.dryRun };
    }, { volume: (body as { name?: unknown } | undefined)?.name, dryRun: !!(body as { dryRun?: boolean } | undefined)?.dryRun });
  }

  async removeVolume(ref: VmRef, volume: string, options: { dryRun?: boolean }, credentials: BackstageCredentials): Promise<AcceptedResponse> {
    return this.vms.audited('vm-volume-remove', ref, credentials, async () => {
      await this.vms.authorize(ref, 'removeVolume', credentials);
      const cache = this.vms.mustCluster(ref);
      this.mustVm(cache, ref);
      await this.vms.clusterCall(ref, () =>
        cache.client.request('PUT', `${SUB}/namespaces/${ref.namespace}/virtualmachines/${ref.name}/removevolume`, {
          name: volume,
          ...(options.dryRun ? { dryRun: ['All'] } : {}),
        }),
      );
      return { accepted: true, dryRun: !!options.dryRun, volume };
    }, { volume, dryRun: !!options.dryRun });
  }

  async cancelMigration(ref: VmRef, body: unknown, credentials: BackstageCredentials): Promise<AcceptedResponse> {
    return this.vms.audited('vm-migration-cancel', ref, credentials, async () => {
      await this.vms.authorize(ref, 'cancelMigration', credentials);
      const input = parseInput(dryRunBody, body);
      const cache = this.vms.mustCluster(ref);
      // ask the cluster, not the cache: a migration may have finished a moment ago
      const list = await this.vms.clusterCall(ref, () =>
        cache.client.request<{ items: KubeObject[] }>('GET', `${KV}/namespaces/${ref.namespace}/virtualmachineinstancemigrations`),
      );
      const migration = activeMigration(list.items.filter(m => m.spec?.vmiName === ref.name));
      if (!migration) throw new ConflictError(`${label(ref)} on cluster ${ref.cluster} has no migration in progress`);
      await this.vms.clusterCall(ref, () =>
        cache.client.request('DELETE', `${KV}/namespaces/${ref.namespace}/virtualmachineinstancemigrations/${migration.metadata.name}${dry(input.dryRun)}`),
      );
      return { accepted: true, dryRun: !!input.dryRun, migration: migration.metadata.name };
    }, { dryRun: !!(body as { dryRun?: boolean } | undefined)?.dryRun });
  }

  /** Namespaces of a cluster where the caller may create VMs. */
  async creatableNamespaces(cluster: string, credentials: BackstageCredentials) {
    const cache = this.vms.mustCluster({ cluster });
    const all = await this.clusterRead(cluster, () => this.reads.namespaces(cache));
    return (await this.vms.creatableNamespaces(cluster, all, credentials)).map(name => ({ name }));
  }

  async clusterRead<T>(cluster: string, fn: () => Promise<T>) {
    try {
      return await fn();
    } catch (error) {
      throw toBackstageError(error, `Reading cluster ${cluster}`);
    }
  }
}
