import { KubeObject } from '../cache/ResourceCache';

const DEFAULT_DISK_SIZE = '30Gi';

export interface VmTemplateInput {
  namespace: string;
  name: string;
  instancetype?: { kind: string; name: string };
  resources?: { cpu: number; memory: string };
  preference?: { kind: string; name: string };
  image:
    | { goldenImage: { name: string; namespace: string } }
    | { containerDisk: string };
  diskSize?: string;
  cloudInitUserData?: string;
  sshSecretName?: string;
  labels?: Record<string, string>;
  runStrategy?: string;
}

/** The Secret that holds a VM's SSH public key; accessCredentials reference it by name. */
export function sshKeySecret(
  namespace: string,
  name: string,
  publicKey: string,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'backstage-kubevirt' },
    },
    type: 'Opaque',
    data: { key: Buffer.from(publicKey.trim()).toString('base64') },
  };
}

/**
 * The VirtualMachine a create form describes: an instancetype or explicit
 * size, a root disk cloned from a golden image (DataSource) or a container
 * disk, cloud-init, and the SSH key injected through accessCredentials.
 */
export function vmFromTemplate(input: VmTemplateInput): KubeObject {
  const labels = input.labels ?? {};
  const rootDv = `${input.name}-rootdisk`;
  const golden =
    'goldenImage' in input.image ? input.image.goldenImage : undefined;
  const cloudInit =
    input.cloudInitUserData !== undefined || input.sshSecretName !== undefined;
  const disks: object[] = [{ name: 'rootdisk', disk: { bus: 'virtio' } }];
  const volumes: object[] = [
    golden
      ? { name: 'rootdisk', dataVolume: { name: rootDv } }
      : {
          name: 'rootdisk',
          containerDisk: {
            image: (input.image as { containerDisk: string }).containerDisk,
          },
        },
  ];
  if (cloudInit) {
    disks.push({ name: 'cloudinitdisk', disk: { bus: 'virtio' } });
    volumes.push({
      name: 'cloudinitdisk',
      cloudInitNoCloud: {
        userData:
          input.cloudInitUserData ?? `#cloud-config\nhostname: ${input.name}\n`,
      },
    });
  }
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: input.name, namespace: input.namespace, labels },
    spec: {
      runStrategy: input.runStrategy ?? 'Always',
      ...(input.instancetype ? { instancetype: input.instancetype } : {}),
      ...(input.preference ? { preference: input.preference } : {}),
      ...(golden
        ? {
            dataVolumeTemplates: [
              {
                metadata: { name: rootDv },
                spec: {
                  sourceRef: {
                    kind: 'DataSource',
                    name: golden.name,
                    namespace: golden.namespace,
                  },
                  storage: {
                    resources: {
                      requests: {
                        storage: input.diskSize ?? DEFAULT_DISK_SIZE,
                      },
                    },
                  },
                },
              },
            ],
          }
        : {}),
      template: {
        metadata: { labels: { ...labels, 'kubevirt.io/domain': input.name } },
        spec: {
          domain: {
            ...(input.resources
              ? {
                  cpu: { cores: input.resources.cpu, sockets: 1, threads: 1 },
                  memory: { guest: input.resources.memory },
                }
              : {}),
            devices: {
              disks,
              interfaces: [{ name: 'default', masquerade: {} }],
            },
          },
          networks: [{ name: 'default', pod: {} }],
          volumes,
          ...(input.sshSecretName
            ? {
                accessCredentials: [
                  {
                    sshPublicKey: {
                      source: { secret: { secretName: input.sshSecretName } },
                      propagationMethod: { noCloud: {} },
                    },
                  },
                ],
              }
            : {}),
        },
      },
    },
  };
}
