import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CreateVmFromChoicesRequest,
  KUBERNETES_ID_LABEL,
  KubernetesNameKind,
  kubernetesNameProblem,
  VM_OWNER_KEYS,
  VmDetail,
} from '@kubevirt-backstage/plugin-kubevirt-common';

const DEFAULT_GOLDEN_IMAGE_NAMESPACE = 'kubevirt-os-images';

export interface CreateVmInput {
  cluster: string;
  namespace: string;
  name: string;
  instancetype?: string;
  cpu?: number;
  memory?: string;
  preference?: string;
  image?: string;
  containerDisk?: string;
  diskSize?: string;
  cloudInitUserData?: string;
  sshPublicKey?: string;
  labels?: Record<string, string>;
  owner?: string;
  kubernetesId?: string;
  runStrategy?: CreateVmFromChoicesRequest['runStrategy'];
}

/** Throws a 400 unless `value` is a valid name of this kind (the broker checks again). */
export function checkName(kind: KubernetesNameKind, value: string) {
  const problem = kubernetesNameProblem(kind, value);
  if (problem) throw new InputError(`Invalid input: ${problem}`);
}

/** "ns/name" or "name" (in the golden image namespace): the golden image picker writes the former. */
function parseGoldenImage(image: string) {
  const [namespace, name, ...rest] = image.includes('/')
    ? image.split('/')
    : [DEFAULT_GOLDEN_IMAGE_NAMESPACE, image];
  if (!namespace || !name || rest.length) {
    throw new InputError(
      `Invalid image "${image}": give a golden image as <namespace>/<name>, e.g. kubevirt-os-images/fedora`,
    );
  }
  return { namespace, name };
}

/**
 * The VM label a catalog owner becomes. Label values cannot hold ':' or '/',
 * so only a group of namespace default fits; the catalog provider reads it
 * back as group:default/<value>.
 */
function ownerLabel(owner: string): string {
  let ref;
  try {
    ref = parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `Invalid owner "${owner}": ${(error as Error).message}`,
    );
  }
  if (
    ref.kind.toLocaleLowerCase('en-US') !== 'group' ||
    ref.namespace !== 'default'
  ) {
    throw new InputError(
      `Invalid owner "${owner}": a VM records its owner in the label ${VM_OWNER_KEYS[0]}, which can only name a group of namespace default (e.g. group:default/team-payments)`,
    );
  }
  return ref.name;
}

/** The broker's create request for these inputs, checked first so that bad input fails before anything is sent. */
export function toCreateRequest(
  input: CreateVmInput,
): CreateVmFromChoicesRequest {
  checkName('newVm', input.name);
  checkName('namespace', input.namespace);
  if (!input.image === !input.containerDisk) {
    throw new InputError(
      'Give either image (a golden image, <namespace>/<name>) or containerDisk (an image reference), not both or neither',
    );
  }
  const explicitSize = input.cpu !== undefined || input.memory !== undefined;
  if (input.instancetype && explicitSize) {
    throw new InputError(
      'Give either instancetype or cpu and memory, not both',
    );
  }
  if (explicitSize && (input.cpu === undefined || input.memory === undefined)) {
    throw new InputError(
      'cpu and memory go together: give both, or an instancetype',
    );
  }
  if (!input.instancetype && !explicitSize) {
    throw new InputError(
      'Give an instancetype (e.g. u1.medium) or cpu and memory',
    );
  }
  const labels: Record<string, string> = { ...(input.labels ?? {}) };
  if (input.kubernetesId) labels[KUBERNETES_ID_LABEL] = input.kubernetesId;
  if (input.owner) labels[VM_OWNER_KEYS[0]] = ownerLabel(input.owner);
  return {
    cluster: input.cluster,
    namespace: input.namespace,
    name: input.name,
    ...(input.instancetype
      ? { instancetype: input.instancetype }
      : { resources: { cpu: input.cpu!, memory: input.memory! } }),
    ...(input.preference ? { preference: input.preference } : {}),
    image: input.image
      ? { goldenImage: parseGoldenImage(input.image) }
      : { containerDisk: input.containerDisk! },
    ...(input.diskSize ? { diskSize: input.diskSize } : {}),
    ...(input.cloudInitUserData
      ? { cloudInitUserData: input.cloudInitUserData }
      : {}),
    ...(input.sshPublicKey ? { sshPublicKey: input.sshPublicKey } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(input.runStrategy ? { runStrategy: input.runStrategy } : {}),
  };
}

type VmManifest = {
  spec?: {
    instancetype?: { name?: string };
    preference?: { name?: string };
    dataVolumeTemplates?: {
      spec?: {
        sourceRef?: { name?: string; namespace?: string };
        storage?: { resources?: { requests?: { storage?: string } } };
      };
    }[];
    template?: {
      spec?: {
        domain?: {
          cpu?: { cores?: number; sockets?: number; threads?: number };
          memory?: { guest?: string };
        };
        volumes?: { name: string; containerDisk?: { image?: string } }[];
      };
    };
  };
};

/**
 * How an existing VM differs from what a create asks for, one line per
 * field; empty = "already exists and matches". Compares what a create sets
 * and later operations leave alone: not runStrategy (start/stop change it),
 * not the SSH key (a Secret the broker does not show).
 */
export function differences(
  request: CreateVmFromChoicesRequest,
  detail: VmDetail,
): string[] {
  const vm = (detail.vm ?? {}) as VmManifest;
  const spec = vm.spec ?? {};
  const out: string[] = [];
  const cmp = (what: string, wanted: unknown, has: unknown) => {
    if (wanted !== undefined && wanted !== has)
      out.push(`${what}: asked for ${wanted}, the VM has ${has ?? 'none'}`);
  };
  cmp('instancetype', request.instancetype, spec.instancetype?.name);
  if (request.resources) {
    const cpu = spec.template?.spec?.domain?.cpu;
    cmp(
      'cpu',
      request.resources.cpu,
      cpu
        ? (cpu.cores ?? 1) * (cpu.sockets ?? 1) * (cpu.threads ?? 1)
        : undefined,
    );
    cmp(
      'memory',
      request.resources.memory,
      spec.template?.spec?.domain?.memory?.guest,
    );
  }
  cmp('preference', request.preference, spec.preference?.name);
  const dvt = spec.dataVolumeTemplates?.[0]?.spec;
  if ('goldenImage' in request.image) {
    const { namespace, name } = request.image.goldenImage;
    const has = dvt?.sourceRef
      ? `${dvt.sourceRef.namespace}/${dvt.sourceRef.name}`
      : undefined;
    cmp('image', `${namespace}/${name}`, has);
    cmp(
      'diskSize',
      request.diskSize,
      dvt?.storage?.resources?.requests?.storage,
    );
  } else {
    const root = spec.template?.spec?.volumes?.find(v => v.name === 'rootdisk');
    cmp(
      'containerDisk',
      request.image.containerDisk,
      root?.containerDisk?.image,
    );
  }
  for (const [key, value] of Object.entries(request.labels ?? {})) {
    cmp(`label ${key}`, value, detail.summary.labels[key]);
  }
  return out;
}
