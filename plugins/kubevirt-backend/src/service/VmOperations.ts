import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  BulkResponse,
  BulkResult,
  ChangeApplied,
  CreateVmResponse,
  EvacuateNodeResponse,
  EvacuationResult,
  HotplugResourcesResponse,
  InterfaceChangeResponse,
  ResizeDiskResponse,
  VmTemplateInfo,
} from '@internal/plugin-kubevirt-common';
import { ClusterCache } from '../cache/ClusterCache';
import { KubeObject } from '../cache/ResourceCache';
import { KubernetesStatusError } from '../clusters/ClusterClient';
import { activeMigration } from './details';
import { toBackstageError } from './errors';
import { httpStatusOf } from './httpStatus';
import {
  addInterfaceBody,
  bulkBody,
  evacuateBody,
  fromTemplateBody,
  hotplugResourcesBody,
  resizeDiskBody,
  saveTemplateBody,
} from './operationSchemas';
import { bytesOf, parseInput } from './schemas';
import { VmRef, VmService } from './VmService';
import { VmWrites } from './VmWrites';

const KV = '/apis/kubevirt.io/v1';
const dry = (dryRun?: boolean) => (dryRun ? '?dryRun=All' : '');
const label = (ref: VmRef) => `Virtual machine ${ref.namespace}/${ref.name}`;
const isNotFound = (e: unknown) => e instanceof KubernetesStatusError && e.statusCode === 404;
const dryRunOf = (body: unknown) => !!(body as { dryRun?: boolean } | undefined)?.dryRun;

/** The label and annotations of a saved VM template (a ConfigMap). */
export const TEMPLATE_LABEL = 'kubevirt.backstage.io/vm-template';
const TEMPLATE_DISPLAY_NAME = 'kubevirt.backstage.io/display-name';
const TEMPLATE_DESCRIPTION = 'kubevirt.backstage.io/description';
const TEMPLATE_SOURCE = 'kubevirt.backstage.io/source-vm';
const TEMPLATE_KEY = 'vm.json';

// KubeVirt's default maxHotplugRatio: without explicit maxima a VM may grow to 4x what it started with
const HOTPLUG_RATIO = 4;

/** Labels and annotations that belong to one VM instance, not to its definition. */
const instanceOnly = (key: string) => /^(kubevirt\.io|vm\.kubevirt\.io|kubectl\.kubernetes\.io)\//.test(key) || key === 'backstage.io/kubernetes-id';

/**
 * A VM's definition without what makes it one particular VM: status, identity,
 * MAC addresses, firmware IDs and the SSH key Secret of the source. Disk names
 * derived from the source's name are renamed when a VM is made from it.
 */
export function generalize(vm: KubeObject): KubeObject {
  const spec = JSON.parse(JSON.stringify(vm.spec ?? {}));
  const tpl = spec.template?.spec;
  if (tpl) {
    delete tpl.domain?.firmware?.uuid;
    delete tpl.domain?.firmware?.serial;
    for (const iface of tpl.domain?.devices?.interfaces ?? []) delete iface.macAddress;
    delete tpl.accessCredentials;
  }
  const keep = (m?: Record<string, string>) => Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => !instanceOnly(k)));
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: vm.metadata.name, labels: keep(vm.metadata.labels), annotations: keep(vm.metadata.annotations as Record<string, string> | undefined) },
    spec: { ...spec, runStrategy: 'Halted', running: undefined },
  };
}

/** A new VM from a generalized definition: its own name, its own DataVolumes. */
export function instantiate(manifest: KubeObject, target: { name: string; namespace: string; runStrategy?: string }): KubeObject {
  const source = manifest.metadata.name;
  const spec = JSON.parse(JSON.stringify(manifest.spec ?? {}));
  const renamed = new Map<string, string>();
  for (const dvt of spec.dataVolumeTemplates ?? []) {
    const old = dvt.metadata?.name as string;
    const name = (old.startsWith(`${source}-`) ? `${target.name}-${old.slice(source.length + 1)}` : `${target.name}-${old}`).slice(0, 63).replace(/-+$/, '');
    renamed.set(old, name);
    dvt.metadata = { ...dvt.metadata, name };
  }
  for (const volume of spec.template?.spec?.volumes ?? []) {
    if (volume.dataVolume && renamed.has(volume.dataVolume.name)) volume.dataVolume.name = renamed.get(volume.dataVolume.name);
  }
  if (target.runStrategy) spec.runStrategy = target.runStrategy;
  delete spec.running;
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { ...manifest.metadata, name: target.name, namespace: target.namespace },
    spec,
  };
}

function templateInfo(cluster: string, cm: KubeObject): VmTemplateInfo {
  let manifest: KubeObject | undefined;
  try {
    manifest = JSON.parse(cm.data?.[TEMPLATE_KEY] ?? '');
  } catch {
    manifest = undefined;
  }
  const domain = manifest?.spec?.template?.spec?.domain;
  const cpu = domain?.cpu ? (domain.cpu.sockets ?? 1) * (domain.cpu.cores ?? 1) * (domain.cpu.threads ?? 1) : undefined;
  const a = (cm.metadata.annotations ?? {}) as Record<string, string>;
  return {
    cluster,
    namespace: cm.metadata.namespace ?? '',
    name: cm.metadata.name,
    displayName: a[TEMPLATE_DISPLAY_NAME],
    description: a[TEMPLATE_DESCRIPTION],
    source: a[TEMPLATE_SOURCE],
    created: cm.metadata.creationTimestamp as string | undefined,
    cpu,
    memory: domain?.memory?.guest ?? domain?.resources?.requests?.memory,
    instancetype: manifest?.spec?.instancetype?.name,
    preference: manifest?.spec?.preference?.name,
  };
}

/**
 * The operations of the console/metrics issue that change a VM's spec or act
 * on many VMs: disk resize, NIC and CPU/memory hot-plug, templates, node
 * evacuation and bulk actions. Same order as every broker write: authorize,
 * validate, check the cluster's state, call the cluster (dryRun=All when
 * asked), all inside one audit event.
 */
export class VmOperations {
  constructor(
    private readonly vms: VmService,
    private readonly writes: VmWrites,
  ) {}

  private mustVm(cache: ClusterCache, ref: VmRef) {
    const vm = cache.vms.get(ref.namespace, ref.name);
    if (!vm) throw new NotFoundError(`${label(ref)} not found on cluster ${ref.cluster}`);
    return vm;
  }

  /** The VM as the cluster has it now: a spec change must start from the latest resourceVersion. */
  private fresh(cache: ClusterCache, ref: VmRef) {
    return this.vms.clusterCall(ref, () => cache.client.request<KubeObject>('GET', `${KV}/namespaces/${ref.namespace}/virtualmachines/${ref.name}`));
  }

  private replace(cache: ClusterCache, ref: VmRef, vm: KubeObject, dryRun?: boolean) {
    return this.vms.clusterCall(ref, () => cache.client.request<KubeObject>('PUT', `${KV}/namespaces/${ref.namespace}/virtualmachines/${ref.name}${dry(dryRun)}`, vm));
  }

  private running(cache: ClusterCache, ref: VmRef) {
    return !!cache.vmis.get(ref.namespace, ref.name);
  }

  private mustNotMigrate(cache: ClusterCache, ref: VmRef, what: string) {
    if (activeMigration(cache.ofVm(cache.migrations, ref.namespace, ref.name))) {
      throw new ConflictError(`${label(ref)} on cluster ${ref.cluster} is migrating; ${what} after the migration ends`);
    }
  }

  async resizeDisk(ref: VmRef, volume: string, body: unknown, credentials: BackstageCredentials): Promise<ResizeDiskResponse> {
    return this.vms.audited('vm-disk-resize', ref, credentials, async () => {
      await this.vms.authorize(ref, 'resizeDisk', credentials);
      const input = parseInput(resizeDiskBody, body);
      const cache = this.vms.mustCluster(ref);
      const vm = this.mustVm(cache, ref);
      const source = (vm.spec?.template?.spec?.volumes ?? []).find((v: { name: string }) => v.name === volume);
      if (!source) throw new NotFoundError(`${label(ref)} on cluster ${ref.cluster} has no disk named ${volume}`);
      const claim: string | undefined = source.dataVolume?.name ?? source.persistentVolumeClaim?.claimName;
      if (!claim) {
        const kind = Object.keys(source).find(k => k !== 'name') ?? 'unknown';
        throw new InputError(`Disk ${volume} of ${label(ref)} on cluster ${ref.cluster} is a ${kind} volume; only disks on a PVC or DataVolume can grow`);
      }
      let pvc: KubeObject;
      try {
        pvc = await cache.client.request<KubeObject>('GET', `/api/v1/namespaces/${ref.namespace}/persistentvolumeclaims/${encodeURIComponent(claim)}`);
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`Disk ${volume} of ${label(ref)} on cluster ${ref.cluster}: no PersistentVolumeClaim ${claim} backs it (yet)`);
        throw toBackstageError(error, label(ref));
      }
      const current: string | undefined = pvc.status?.capacity?.storage ?? pvc.spec?.resources?.requests?.storage;
      if (current && bytesOf(current) >= bytesOf(input.size)) {
        throw new InputError(`Invalid request body: size: ${input.size} is not larger than the ${current} disk ${volume} has now; disks can only grow`);
      }
      const className: string | undefined = pvc.spec?.storageClassName;
      if (className) {
        const sc = await cache.client.request<KubeObject & { allowVolumeExpansion?: boolean }>('GET', `/apis/storage.k8s.io/v1/storageclasses/${encodeURIComponent(className)}`).catch(() => undefined);
        if (sc && sc.allowVolumeExpansion !== true) {
          throw new ConflictError(`Disk ${volume} of ${label(ref)} on cluster ${ref.cluster} cannot grow: its storage class ${className} does not allow volume expansion`);
        }
      }
      await this.vms.clusterCall(ref, () =>
        cache.client.request('PATCH', `/api/v1/namespaces/${ref.namespace}/persistentvolumeclaims/${encodeURIComponent(claim)}${dry(input.dryRun)}`, { spec: { resources: { requests: { storage: input.size } } } }, 'application/merge-patch+json'),
      );
      return { volume, claim, from: current, to: input.size, dryRun: !!input.dryRun };
    }, { volume, size: (body as { size?: unknown } | undefined)?.size, dryRun: dryRunOf(body) });
  }

  async addInterface(ref: VmRef, body: unknown, credentials: BackstageCredentials): Promise<InterfaceChangeResponse> {
    return this.vms.audited('vm-interface-add', ref, credentials, async () => {
      await this.vms.authorize(ref, 'addInterface', credentials);
      const input = parseInput(addInterfaceBody, body);
      const cache = this.vms.mustCluster(ref);
      this.mustVm(cache, ref);
      this.mustNotMigrate(cache, ref, 'add the interface');
      const vm = await this.fresh(cache, ref);
      const spec = vm.spec.template.spec;
      spec.domain.devices ??= {};
      const interfaces: any[] = (spec.domain.devices.interfaces ??= []);
      const networks: any[] = (spec.networks ??= []);
      if (interfaces.some(i => i.name === input.name) || networks.some(n => n.name === input.name)) {
        throw new ConflictError(`${label(ref)} on cluster ${ref.cluster} already has a network interface named ${input.name}`);
      }
      if (input.network === 'pod' && networks.some(n => n.pod)) {
        throw new ConflictError(`${label(ref)} on cluster ${ref.cluster} already has a pod network interface (${networks.find(n => n.pod).name}); a VM has at most one`);
      }
      const multus = input.network === 'pod' ? undefined : input.network.multus;
      if (multus && networks.some(n => n.multus?.networkName === multus)) {
        throw new ConflictError(`${label(ref)} on cluster ${ref.cluster} is already attached to network ${multus}`);
      }
      interfaces.push({ name: input.name, [input.binding]: {}, ...(input.model ? { model: input.model } : {}), ...(input.macAddress ? { macAddress: input.macAddress } : {}) });
      networks.push(multus ? { name: input.name, multus: { networkName: multus } } : { name: input.name, pod: {} });
      const running = this.running(cache, ref);
      // KubeVirt hot-plugs bridge and SR-IOV interfaces on secondary (Multus) networks; SR-IOV by a live migration
      const hotpluggable = !!multus && input.binding !== 'masquerade';
      let applied: ChangeApplied = 'next-start';
      if (running) applied = hotpluggable ? 'live' : 'restart';
      await this.replace(cache, ref, vm, input.dryRun);
      return { interface: input.name, applied, liveMigration: running && input.binding === 'sriov', dryRun: !!input.dryRun };
    }, { interface: (body as { name?: unknown } | undefined)?.name, dryRun: dryRunOf(body) });
  }

  async removeInterface(ref: VmRef, name: string, options: { dryRun?: boolean }, credentials: BackstageCredentials): Promise<InterfaceChangeResponse> {
    return this.vms.audited('vm-interface-remove', ref, credentials, async () => {
      await this.vms.authorize(ref, 'removeInterface', credentials);
      const cache = this.vms.mustCluster(ref);
      this.mustVm(cache, ref);
      this.mustNotMigrate(cache, ref, 'remove the interface');
      const vm = await this.fresh(cache, ref);
      const spec = vm.spec.template.spec;
      const interfaces: any[] = spec.domain?.devices?.interfaces ?? [];
      const iface = interfaces.find(i => i.name === name);
      if (!iface) throw new NotFoundError(`${label(ref)} on cluster ${ref.cluster} has no network interface named ${name}`);
      const network = (spec.networks ?? []).find((n: { name: string }) => n.name === name);
      const running = this.running(cache, ref);
      const hotpluggable = !!network?.multus && !iface.masquerade;
      let applied: ChangeApplied;
      if (running && hotpluggable) {
        if (iface.state === 'absent') throw new ConflictError(`Network interface ${name} of ${label(ref)} on cluster ${ref.cluster} is already being unplugged`);
        // KubeVirt unplugs it from the running guest, then drops it from the spec
        iface.state = 'absent';
        applied = 'live';
      } else {
        spec.domain.devices.interfaces = interfaces.filter(i => i !== iface);
        spec.networks = (spec.networks ?? []).filter((n: { name: string }) => n.name !== name);
        applied = running ? 'restart' : 'next-start';
      }
      await this.replace(cache, ref, vm, options.dryRun);
      return { interface: name, applied, liveMigration: false, dryRun: !!options.dryRun };
    }, { interface: name, dryRun: !!options.dryRun });
  }

  async hotplugResources(ref: VmRef, body: unknown, credentials: BackstageCredentials): Promise<HotplugResourcesResponse> {
    return this.vms.audited('vm-resources-hotplug', ref, credentials, async () => {
      await this.vms.authorize(ref, 'hotplugResources', credentials);
      const input = parseInput(hotplugResourcesBody, body);
      const cache = this.vms.mustCluster(ref);
      this.mustVm(cache, ref);
      this.mustNotMigrate(cache, ref, 'change CPU or memory');
      const vm = await this.fresh(cache, ref);
      if (vm.spec?.instancetype) {
        throw new ConflictError(
          `${label(ref)} on cluster ${ref.cluster} takes its CPU and memory from instancetype ${vm.spec.instancetype.name}; choose another instancetype instead (YAML tab)`,
        );
      }
      const domain = vm.spec.template.spec.domain;
      const cpu = (domain.cpu ??= {});
      const sockets = cpu.sockets ?? 1;
      const guest: string | undefined = domain.memory?.guest ?? domain.resources?.requests?.memory;
      // a running VM's maxima were fixed when it started (KubeVirt writes them into the instance)
      const booted = cache.vmis.get(ref.namespace, ref.name)?.spec?.domain;
      const bootSockets = booted?.cpu?.sockets ?? sockets;
      const bootGuest: string | undefined = booted?.memory?.guest ?? guest;
      const maxSockets: number = cpu.maxSockets ?? booted?.cpu?.maxSockets ?? bootSockets * HOTPLUG_RATIO;
      const maxGuest: string | undefined = domain.memory?.maxGuest ?? booted?.memory?.maxGuest;
      if (input.sockets !== undefined && input.sockets > maxSockets) {
        throw new InputError(
          `Invalid request body: sockets: at most ${maxSockets} for ${label(ref)} (domain.cpu.maxSockets${cpu.maxSockets || booted?.cpu?.maxSockets ? '' : `, default ${HOTPLUG_RATIO}x the ${bootSockets} it started with`})`,
        );
      }
      if (input.memory !== undefined) {
        let limit = Infinity;
        if (maxGuest) limit = bytesOf(maxGuest);
        else if (bootGuest) limit = bytesOf(bootGuest) * HOTPLUG_RATIO;
        if (bytesOf(input.memory) > limit) {
          const shown = maxGuest ?? `${limit / 2 ** 30}Gi`;
          throw new InputError(
            `Invalid request body: memory: at most ${shown} for ${label(ref)} (domain.memory.maxGuest${maxGuest ? '' : `, default ${HOTPLUG_RATIO}x the ${bootGuest} it started with`})`,
          );
        }
        if (bytesOf(input.memory) < 128 * 2 ** 20) throw new InputError('Invalid request body: memory: at least 128Mi');
      }
      const grows = (input.sockets ?? sockets) >= sockets && (!input.memory || !guest || bytesOf(input.memory) >= bytesOf(guest));
      if (input.sockets !== undefined) cpu.sockets = input.sockets;
      if (input.memory !== undefined) {
        domain.memory = { ...domain.memory, guest: input.memory };
        if (domain.resources?.requests?.memory) domain.resources.requests.memory = input.memory;
      }
      const running = this.running(cache, ref);
      let applied: ChangeApplied = 'next-start';
      // KubeVirt adds sockets and memory to a running VM by live-migrating it; taking them away needs a restart
      if (running) applied = grows ? 'live' : 'restart';
      await this.replace(cache, ref, vm, input.dryRun);
      return { sockets: cpu.sockets, memory: domain.memory?.guest, applied, liveMigration: running && grows, dryRun: !!input.dryRun };
    }, { sockets: (body as any)?.sockets, memory: (body as any)?.memory, dryRun: dryRunOf(body) });
  }

  async saveAsTemplate(ref: VmRef, body: unknown, credentials: BackstageCredentials): Promise<{ template: VmTemplateInfo; dryRun: boolean }> {
    return this.vms.audited('vm-template-save', ref, credentials, async () => {
      await this.vms.authorize(ref, 'saveAsTemplate', credentials);
      const input = parseInput(saveTemplateBody, body);
      const cache = this.vms.mustCluster(ref);
      const vm = this.mustVm(cache, ref);
      const configMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: input.name,
          namespace: ref.namespace,
          labels: { [TEMPLATE_LABEL]: 'true', 'app.kubernetes.io/managed-by': 'backstage-kubevirt' },
          annotations: {
            [TEMPLATE_SOURCE]: `${ref.namespace}/${ref.name}`,
            ...(input.displayName ? { [TEMPLATE_DISPLAY_NAME]: input.displayName } : {}),
            ...(input.description ? { [TEMPLATE_DESCRIPTION]: input.description } : {}),
          },
        },
        data: { [TEMPLATE_KEY]: JSON.stringify(generalize(vm)) },
      };
      const created = await this.vms.clusterCall(ref, () => cache.client.request<KubeObject>('POST', `/api/v1/namespaces/${ref.namespace}/configmaps${dry(input.dryRun)}`, configMap)).catch(error => {
        if ((error as Error).name === 'ConflictError') {
          throw new ConflictError(`A template named ${input.name} already exists in namespace ${ref.namespace} on cluster ${ref.cluster}`);
        }
        throw error;
      });
      return { template: templateInfo(ref.cluster, created), dryRun: !!input.dryRun };
    }, { template: (body as { name?: unknown } | undefined)?.name, dryRun: dryRunOf(body) });
  }

  /** Saved templates of a cluster, in the namespaces where the caller may create VMs. */
  async listTemplates(cluster: string, credentials: BackstageCredentials): Promise<VmTemplateInfo[]> {
    const cache = this.vms.mustCluster({ cluster });
    const list = await this.writes.clusterRead(cluster, () => cache.client.request<{ items: KubeObject[] }>('GET', `/api/v1/configmaps?labelSelector=${encodeURIComponent(`${TEMPLATE_LABEL}=true`)}`));
    const namespaces = [...new Set(list.items.map(cm => cm.metadata.namespace ?? ''))];
    const allowed = new Set(await this.vms.creatableNamespaces(cluster, namespaces, credentials));
    return list.items
      .filter(cm => allowed.has(cm.metadata.namespace ?? ''))
      .map(cm => templateInfo(cluster, cm))
      .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  }

  /** A new VM in the template's namespace, through the create route's own checks (create permission, validation, audit). */
  async createFromTemplate(target: { cluster: string; namespace: string; template: string }, body: unknown, credentials: BackstageCredentials): Promise<CreateVmResponse> {
    // authorized before anything of the template is read; a refusal is audited like any refused create
    try {
      await this.vms.authorizeCreate(target, credentials);
    } catch (error) {
      const ref = { cluster: target.cluster, namespace: target.namespace, name: String((body as { name?: unknown })?.name ?? '') };
      await this.vms.audited('vm-create', ref, credentials, async () => Promise.reject(error), { template: target.template }).catch(() => undefined);
      throw error;
    }
    const input = parseInput(fromTemplateBody, body);
    const cache = this.vms.mustCluster(target);
    let cm: KubeObject;
    try {
      cm = await cache.client.request<KubeObject>('GET', `/api/v1/namespaces/${target.namespace}/configmaps/${encodeURIComponent(target.template)}`);
    } catch (error) {
      if (isNotFound(error)) throw new NotFoundError(`No VM template ${target.namespace}/${target.template} on cluster ${target.cluster}`);
      throw toBackstageError(error, `VM template ${target.namespace}/${target.template}`);
    }
    if (cm.metadata.labels?.[TEMPLATE_LABEL] !== 'true' || !cm.data?.[TEMPLATE_KEY]) {
      throw new NotFoundError(`No VM template ${target.namespace}/${target.template} on cluster ${target.cluster}`);
    }
    const manifest = instantiate(JSON.parse(cm.data[TEMPLATE_KEY]), { name: input.name, namespace: target.namespace, runStrategy: input.runStrategy });
    return this.writes.create({ cluster: target.cluster, manifest, dryRun: input.dryRun }, credentials);
  }

  /**
   * Live-migrates every VM running on a node, each authorized on its own
   * (kubevirt.vm.migrate), and says for each one that stays why.
   */
  async evacuateNode(cluster: string, node: string, body: unknown, credentials: BackstageCredentials): Promise<EvacuateNodeResponse> {
    const ref = { cluster, namespace: '', name: node };
    return this.vms.audited('node-evacuate', ref, credentials, async () => {
      const input = parseInput(evacuateBody, body);
      const cache = this.vms.mustCluster(ref);
      try {
        await cache.client.request('GET', `/api/v1/nodes/${encodeURIComponent(node)}`);
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`No node named ${node} on cluster ${cluster}`);
        throw toBackstageError(error, `Node ${node}`);
      }
      const vmis = [...cache.vmis.all()].filter(v => v.status?.nodeName === node && v.status?.phase === 'Running');
      const results: EvacuationResult[] = [];
      for (const vmi of vmis) {
        const vmRef = { cluster, namespace: vmi.metadata.namespace ?? '', name: vmi.metadata.name };
        results.push(await this.evacuateOne(cache, vmRef, vmi, !!input.dryRun, credentials));
      }
      if (!results.length) return { cluster, node, dryRun: !!input.dryRun, results };
      // a caller who may migrate none of them learns nothing about the VMs on the node
      if (results.every(r => r.result === 'not-allowed')) {
        throw new NotAllowedError(`You may not migrate any of the virtual machines on node ${node} of cluster ${cluster}`);
      }
      return { cluster, node, dryRun: !!input.dryRun, results };
    }, { node, dryRun: dryRunOf(body) });
  }

  private async evacuateOne(cache: ClusterCache, ref: VmRef, vmi: KubeObject, dryRun: boolean, credentials: BackstageCredentials): Promise<EvacuationResult> {
    const base = { namespace: ref.namespace, name: ref.name };
    try {
      await this.vms.authorize(ref, 'migrate', credentials);
    } catch {
      return { ...base, result: 'not-allowed', reason: 'your VM role does not allow migrating it' };
    }
    const migratable = (vmi.status?.conditions ?? []).find((c: { type: string }) => c.type === 'LiveMigratable');
    if (migratable?.status === 'False') {
      return { ...base, result: 'not-migratable', reason: `${migratable.reason ?? 'NotMigratable'}: ${migratable.message ?? 'KubeVirt says it cannot live-migrate'}` };
    }
    if (activeMigration(cache.ofVm(cache.migrations, ref.namespace, ref.name))) {
      return { ...base, result: 'migrating', reason: 'already migrating' };
    }
    if (vmi.spec?.evictionStrategy === 'None') {
      return { ...base, result: 'not-migratable', reason: 'evictionStrategy is None: it is meant to stop, not move, when its node drains' };
    }
    try {
      await this.vms.act(ref, 'migrate', dryRun ? { dryRun: true } : {}, credentials);
      return { ...base, result: 'migrating' };
    } catch (error) {
      const status = httpStatusOf(error);
      return { ...base, result: status === 409 ? 'not-migratable' : 'failed', reason: (error as Error).message };
    }
  }

  /** One action on many VMs; each VM is authorized, called and audited on its own, and answers for itself. */
  async bulk(body: unknown, credentials: BackstageCredentials): Promise<BulkResponse> {
    const input = parseInput(bulkBody, body);
    const results: BulkResult[] = [];
    for (const ref of input.vms) {
      try {
        if (input.action === 'snapshot') {
          const { snapshot } = await this.writes.snapshot(ref, input.dryRun ? { dryRun: true } : {}, credentials);
          results.push({ ...ref, ok: true, status: 201, snapshot: snapshot.name });
        } else {
          await this.vms.act(ref, input.action, input.dryRun ? { dryRun: true } : {}, credentials);
          results.push({ ...ref, ok: true, status: 202 });
        }
      } catch (error) {
        results.push({ ...ref, ok: false, status: httpStatusOf(error), error: (error as Error).message });
      }
    }
    return { action: input.action, dryRun: !!input.dryRun, results };
  }
}

