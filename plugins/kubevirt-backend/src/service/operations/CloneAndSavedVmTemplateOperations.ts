import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  CloneResponse,
  CreateVmResponse,
  SavedVmTemplate,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubeObject } from '../../cache/ResourceCache';
import { apiGroups, apiPath, dryRunQuery } from '../../clusters/apiPath';
import { toBackstageError } from '../errors';
import { assertName } from '../names';
import {
  createFromSavedVmTemplateBody,
  saveAsSavedVmTemplateBody,
} from '../operationSchemas';
import { cloneBody, parseInput } from '../schemas';
import { VmRef } from '../VmRef';
import { clusterRead, generatedName, isNotFound, mustVm } from './clusterCalls';
import { CreateUpdateOperations } from './CreateUpdateOperations';
import { VmOperationRunner } from './VmOperationRunner';

const { core, clone } = apiGroups;

/** The label and annotations of a saved VM template (a ConfigMap). */
const SAVED_VM_TEMPLATE_LABEL = 'kubevirt.backstage.io/vm-template';
const TEMPLATE_DISPLAY_NAME = 'kubevirt.backstage.io/display-name';
const TEMPLATE_DESCRIPTION = 'kubevirt.backstage.io/description';
const TEMPLATE_SOURCE = 'kubevirt.backstage.io/source-vm';
const TEMPLATE_KEY = 'vm.json';

/** Labels and annotations that belong to one VM instance, not to its definition. */
const instanceOnly = (key: string) =>
  /^(kubevirt\.io|vm\.kubevirt\.io|kubectl\.kubernetes\.io)\//.test(key) ||
  key === 'backstage.io/kubernetes-id';

/**
 * A VM's definition without what makes it one particular VM: status, identity,
 * MAC addresses, firmware IDs and the SSH key Secret of the source. Disk names
 * derived from the source's name are renamed when a VM is made from it.
 */
function generalize(vm: KubeObject): KubeObject {
  const spec = JSON.parse(JSON.stringify(vm.spec ?? {}));
  const tpl = spec.template?.spec;
  if (tpl) {
    delete tpl.domain?.firmware?.uuid;
    delete tpl.domain?.firmware?.serial;
    for (const iface of tpl.domain?.devices?.interfaces ?? [])
      delete iface.macAddress;
    delete tpl.accessCredentials;
  }
  const keep = (m?: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(m ?? {}).filter(([k]) => !instanceOnly(k)),
    );
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      name: vm.metadata.name,
      labels: keep(vm.metadata.labels),
      annotations: keep(
        vm.metadata.annotations as Record<string, string> | undefined,
      ),
    },
    spec: { ...spec, runStrategy: 'Halted', running: undefined },
  };
}

/** A new VM from a generalized definition: its own name, its own DataVolumes. */
function instantiate(
  manifest: KubeObject,
  target: { name: string; namespace: string; runStrategy?: string },
): KubeObject {
  const source = manifest.metadata.name;
  const spec = JSON.parse(JSON.stringify(manifest.spec ?? {}));
  const renamed = new Map<string, string>();
  for (const dvt of spec.dataVolumeTemplates ?? []) {
    const old = dvt.metadata?.name as string;
    const name = generatedName(
      old.startsWith(`${source}-`)
        ? `${target.name}-${old.slice(source.length + 1)}`
        : `${target.name}-${old}`,
    );
    renamed.set(old, name);
    dvt.metadata = { ...dvt.metadata, name };
  }
  for (const volume of spec.template?.spec?.volumes ?? []) {
    if (volume.dataVolume && renamed.has(volume.dataVolume.name))
      volume.dataVolume.name = renamed.get(volume.dataVolume.name);
  }
  if (target.runStrategy) spec.runStrategy = target.runStrategy;
  delete spec.running;
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      ...manifest.metadata,
      name: target.name,
      namespace: target.namespace,
    },
    spec,
  };
}

function savedVmTemplateOf(cluster: string, cm: KubeObject): SavedVmTemplate {
  let manifest: KubeObject | undefined;
  try {
    manifest = JSON.parse(cm.data?.[TEMPLATE_KEY] ?? '');
  } catch {
    manifest = undefined;
  }
  const domain = manifest?.spec?.template?.spec?.domain;
  const cpu = domain?.cpu
    ? (domain.cpu.sockets ?? 1) *
      (domain.cpu.cores ?? 1) *
      (domain.cpu.threads ?? 1)
    : undefined;
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
 * Copies of a VM: a clone (KubeVirt's VirtualMachineClone), and saved VM
 * templates (a VM's generalized definition in a labelled ConfigMap) with the
 * VMs made from them. Not Backstage software templates.
 */
export class CloneAndSavedVmTemplateOperations {
  constructor(
    private readonly runner: VmOperationRunner,
    private readonly creates: CreateUpdateOperations,
  ) {}

  async clone(
    ref: VmRef,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<CloneResponse> {
    return this.runner.run(
      {
        event: 'vm-clone',
        ref,
        credentials,
        permission: 'clone',
        body: { schema: cloneBody, value: body },
        meta: {
          targetName: (body as { targetName?: unknown } | undefined)
            ?.targetName,
        },
      },
      async ({ cache, input, call }) => {
        mustVm(cache, ref);
        if (cache.vms.get(ref.namespace, input.targetName)) {
          throw new ConflictError(
            `Virtual machine ${ref.namespace}/${input.targetName} already exists on cluster ${ref.cluster}; choose another name for the clone of ${ref.name}`,
          );
        }
        const created = await call(() =>
          cache.client.request<KubeObject>(
            'POST',
            apiPath(
              {
                ...clone,
                namespace: ref.namespace,
                resource: 'virtualmachineclones',
              },
              dryRunQuery(input.dryRun),
            ),
            {
              apiVersion: 'clone.kubevirt.io/v1beta1',
              kind: 'VirtualMachineClone',
              metadata: {
                name: generatedName(`${ref.name}-to-${input.targetName}`),
                namespace: ref.namespace,
              },
              spec: {
                source: {
                  apiGroup: 'kubevirt.io',
                  kind: 'VirtualMachine',
                  name: ref.name,
                },
                target: {
                  apiGroup: 'kubevirt.io',
                  kind: 'VirtualMachine',
                  name: input.targetName,
                },
              },
            },
          ),
        );
        return {
          clone: {
            name: created.metadata.name,
            source: ref.name,
            targetName: input.targetName,
            phase: created.status?.phase,
          },
          dryRun: !!input.dryRun,
        };
      },
    );
  }

  async saveAsSavedVmTemplate(
    ref: VmRef,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<{ template: SavedVmTemplate; dryRun: boolean }> {
    return this.runner.run(
      {
        event: 'vm-template-save',
        ref,
        credentials,
        permission: 'saveAsSavedVmTemplate',
        body: { schema: saveAsSavedVmTemplateBody, value: body },
        meta: { template: (body as { name?: unknown } | undefined)?.name },
      },
      async ({ cache, input, call }) => {
        const vm = mustVm(cache, ref);
        const configMap = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: input.name,
            namespace: ref.namespace,
            labels: {
              [SAVED_VM_TEMPLATE_LABEL]: 'true',
              'app.kubernetes.io/managed-by': 'backstage-kubevirt',
            },
            annotations: {
              [TEMPLATE_SOURCE]: `${ref.namespace}/${ref.name}`,
              ...(input.displayName
                ? { [TEMPLATE_DISPLAY_NAME]: input.displayName }
                : {}),
              ...(input.description
                ? { [TEMPLATE_DESCRIPTION]: input.description }
                : {}),
            },
          },
          data: { [TEMPLATE_KEY]: JSON.stringify(generalize(vm)) },
        };
        const created = await call(() =>
          cache.client.request<KubeObject>(
            'POST',
            apiPath(
              { ...core, namespace: ref.namespace, resource: 'configmaps' },
              dryRunQuery(input.dryRun),
            ),
            configMap,
          ),
        ).catch(error => {
          if ((error as Error).name === 'ConflictError') {
            throw new ConflictError(
              `A template named ${input.name} already exists in namespace ${ref.namespace} on cluster ${ref.cluster}`,
            );
          }
          throw error;
        });
        return {
          template: savedVmTemplateOf(ref.cluster, created),
          dryRun: !!input.dryRun,
        };
      },
    );
  }

  /** Saved VM templates of a cluster, in the namespaces where the caller may create VMs. */
  async listSavedVmTemplates(
    cluster: string,
    credentials: BackstageCredentials,
  ): Promise<SavedVmTemplate[]> {
    assertName('cluster', cluster);
    const cache = this.runner.access.mustCluster({ cluster });
    const list = await clusterRead(
      cluster,
      () =>
        cache.client.request<{ items: KubeObject[] }>(
          'GET',
          apiPath(
            { ...core, resource: 'configmaps' },
            { labelSelector: `${SAVED_VM_TEMPLATE_LABEL}=true` },
          ),
        ),
      'Listing saved VM templates',
    );
    const namespaces = [
      ...new Set(list.items.map(cm => cm.metadata.namespace ?? '')),
    ];
    const allowed = new Set(
      await this.runner.access.creatableNamespaces(
        cluster,
        namespaces,
        credentials,
      ),
    );
    return list.items
      .filter(cm => allowed.has(cm.metadata.namespace ?? ''))
      .map(cm => savedVmTemplateOf(cluster, cm))
      .sort((a, b) =>
        `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
      );
  }

  /** A new VM in the saved VM template's namespace, through the create route's own checks (create permission, validation, audit). */
  async createFromSavedVmTemplate(
    target: { cluster: string; namespace: string; template: string },
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<CreateVmResponse> {
    assertName('template', target.template);
    // authorized before anything of the saved VM template is read; a refusal is audited like any refused create
    try {
      await this.runner.access.authorizeCreate(target, credentials);
    } catch (error) {
      const ref = {
        cluster: target.cluster,
        namespace: target.namespace,
        name: String((body as { name?: unknown })?.name ?? ''),
      };
      await this.runner
        .audited(
          'vm-create',
          ref,
          credentials,
          async () => Promise.reject(error),
          { template: target.template },
        )
        .catch(() => undefined);
      throw error;
    }
    const input = parseInput(createFromSavedVmTemplateBody, body);
    const cache = this.runner.access.mustCluster(target);
    let cm: KubeObject;
    try {
      cm = await cache.client.request<KubeObject>(
        'GET',
        apiPath({
          ...core,
          namespace: target.namespace,
          resource: 'configmaps',
          name: target.template,
        }),
      );
    } catch (error) {
      if (isNotFound(error))
        throw new NotFoundError(
          `No VM template ${target.namespace}/${target.template} on cluster ${target.cluster}`,
        );
      throw toBackstageError(
        error,
        `VM template ${target.namespace}/${target.template}`,
      );
    }
    if (
      cm.metadata.labels?.[SAVED_VM_TEMPLATE_LABEL] !== 'true' ||
      !cm.data?.[TEMPLATE_KEY]
    ) {
      throw new NotFoundError(
        `No VM template ${target.namespace}/${target.template} on cluster ${target.cluster}`,
      );
    }
    const manifest = instantiate(JSON.parse(cm.data[TEMPLATE_KEY]), {
      name: input.name,
      namespace: target.namespace,
      runStrategy: input.runStrategy,
    });
    return this.creates.create(
      { cluster: target.cluster, manifest, dryRun: input.dryRun },
      credentials,
    );
  }
}
