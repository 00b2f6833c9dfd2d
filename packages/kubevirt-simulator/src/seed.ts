import { rbacSeed } from './auth/auth';
import { resourceTypeOfKind } from './store/resources';
import { KubeObject, Store } from './store/store';
import {
  FAULT_ANNOTATION,
  PAUSE_AFTER_START_ANNOTATION,
} from './kubevirt/lifecycle/vmStatus';

const add = (store: Store, obj: KubeObject) =>
  store.create(resourceTypeOfKind(obj.kind), obj);

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name,
    labels: { 'kubernetes.io/metadata.name': name, ...labels },
  },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
});

const images: Record<string, { preference: string; url: string }> = {
  fedora: {
    preference: 'fedora',
    url: 'docker://quay.io/containerdisks/fedora:41',
  },
  ubuntu: {
    preference: 'ubuntu',
    url: 'docker://quay.io/containerdisks/ubuntu:24.04',
  },
  'centos-stream9': {
    preference: 'centos.stream9',
    url: 'docker://quay.io/containerdisks/centos-stream:9',
  },
};

/** Generated VMs carry this label; each value is on exactly 50 of them (fewer in the last group). */
export const SCALE_GROUP_LABEL = 'simulator.kubevirt.io/scale-group';

export interface DemoVm {
  namespace: string;
  name: string;
  entity: string;
  image: keyof typeof images;
  size: 'small' | 'medium' | 'large' | 'xlarge';
  running: boolean;
  fault?: string;
  provisioning?: boolean;
  paused?: boolean;
}

/** The demo world's VMs; the portal's demo catalog uses the same names. */
export const demoVms: DemoVm[] = [
  {
    namespace: 'payments',
    name: 'payments-db-0',
    entity: 'payments-api',
    image: 'fedora',
    size: 'large',
    running: true,
  },
  {
    namespace: 'payments',
    name: 'payments-db-1',
    entity: 'payments-api',
    image: 'fedora',
    size: 'large',
    running: true,
  },
  {
    namespace: 'payments',
    name: 'payments-batch',
    entity: 'payments-api',
    image: 'ubuntu',
    size: 'medium',
    running: false,
  },
  {
    namespace: 'orders',
    name: 'orders-worker-1',
    entity: 'orders-service',
    image: 'ubuntu',
    size: 'medium',
    running: true,
  },
  {
    namespace: 'orders',
    name: 'orders-worker-2',
    entity: 'orders-service',
    image: 'ubuntu',
    size: 'medium',
    running: true,
    paused: true,
  },
  {
    namespace: 'orders',
    name: 'orders-legacy',
    entity: 'orders-service',
    image: 'centos-stream9',
    size: 'xlarge',
    running: true,
    fault: 'ErrorUnschedulable',
  },
  {
    namespace: 'data',
    name: 'search-indexer-0',
    entity: 'search-indexer',
    image: 'fedora',
    size: 'xlarge',
    running: true,
  },
  {
    namespace: 'data',
    name: 'etl-runner',
    entity: 'search-indexer',
    image: 'centos-stream9',
    size: 'small',
    running: true,
    fault: 'ErrImagePull',
  },
  {
    namespace: 'data',
    name: 'analytics',
    entity: 'search-indexer',
    image: 'ubuntu',
    size: 'large',
    running: true,
    fault: 'CrashLoopBackOff',
  },
  {
    namespace: 'platform',
    name: 'bastion',
    entity: 'platform-bastion',
    image: 'ubuntu',
    size: 'small',
    running: true,
  },
  {
    namespace: 'platform',
    name: 'build-agent',
    entity: 'platform-bastion',
    image: 'fedora',
    size: 'medium',
    running: true,
    provisioning: true,
  },
];

export function vmManifest(vm: DemoVm): KubeObject {
  const image = images[vm.image];
  const labels = {
    'backstage.io/kubernetes-id': vm.entity,
    'app.kubernetes.io/name': vm.name,
  };
  const rootVolume = vm.provisioning
    ? { name: 'rootdisk', dataVolume: { name: `${vm.name}-rootdisk` } }
    : {
        name: 'rootdisk',
        containerDisk: { image: image.url.replace('docker://', '') },
      };
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      name: vm.name,
      namespace: vm.namespace,
      labels,
      annotations: {
        'vm.kubevirt.io/os': vm.image,
        ...(vm.fault ? { [FAULT_ANNOTATION]: vm.fault } : {}),
        ...(vm.paused ? { [PAUSE_AFTER_START_ANNOTATION]: 'true' } : {}),
      },
      finalizers: ['kubevirt.io/virtualMachineControllerFinalize'],
    },
    spec: {
      runStrategy: vm.running ? 'Always' : 'Halted',
      instancetype: {
        kind: 'VirtualMachineClusterInstancetype',
        name: `u1.${vm.size}`,
      },
      preference: {
        kind: 'VirtualMachineClusterPreference',
        name: image.preference,
      },
      ...(vm.provisioning
        ? {
            dataVolumeTemplates: [
              {
                metadata: {
                  name: `${vm.name}-rootdisk`,
                  annotations: { 'simulator.kubevirt.io/import-steps': '400' },
                },
                spec: {
                  sourceRef: {
                    kind: 'DataSource',
                    name: vm.image,
                    namespace: 'kubevirt-os-images',
                  },
                  storage: { resources: { requests: { storage: '30Gi' } } },
                },
              },
            ],
          }
        : {}),
      template: {
        metadata: { labels: { ...labels, 'kubevirt.io/domain': vm.name } },
        spec: {
          domain: {
            devices: {
              disks: [
                { name: 'rootdisk', disk: { bus: 'virtio' } },
                { name: 'cloudinitdisk', disk: { bus: 'virtio' } },
              ],
              interfaces: [{ name: 'default', masquerade: {} }],
            },
          },
          networks: [{ name: 'default', pod: {} }],
          volumes: [
            rootVolume,
            {
              name: 'cloudinitdisk',
              cloudInitNoCloud: {
                userData: `#cloud-config\nhostname: ${vm.name}\n`,
              },
            },
          ],
        },
      },
    },
  };
}

/** Cluster-wide basics every seed has: nodes, system namespaces, RBAC. */
export function seedBase(store: Store) {
  for (const name of [
    'default',
    'kube-system',
    'kubevirt-system',
    'kubevirt-os-images',
  ])
    add(store, ns(name));
  for (const name of ['node-a', 'node-b', 'node-c']) {
    add(store, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name,
          'kubevirt.io/schedulable': 'true',
          'topology.kubernetes.io/zone': `zone-${name.slice(-1)}`,
        },
      },
      spec: {},
      status: {
        capacity: {
          cpu: '32',
          memory: '131072Mi',
          'devices.kubevirt.io/kvm': '1k',
        },
        allocatable: {
          cpu: '31',
          memory: '126976Mi',
          'devices.kubevirt.io/kvm': '1k',
        },
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
          },
        ],
        nodeInfo: {
          kubeletVersion: 'v1.32.0',
          osImage: 'Fedora CoreOS 41',
          architecture: 'amd64',
          operatingSystem: 'linux',
        },
        addresses: [
          {
            type: 'InternalIP',
            address: `192.168.10.${name.charCodeAt(5) - 96}`,
          },
          { type: 'Hostname', address: name },
        ],
      },
    });
  }
  for (const obj of rbacSeed()) add(store, obj);
  add(store, {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: 'local-path',
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: 'rancher.io/local-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  });
}

export function seedDemo(store: Store, extraVms = 0) {
  seedBase(store);
  for (const name of ['payments', 'orders', 'data', 'platform'])
    add(store, ns(name, { 'backstage.io/team': name }));
  const sizes = {
    small: [1, '2Gi'],
    medium: [1, '4Gi'],
    large: [2, '8Gi'],
    xlarge: [4, '16Gi'],
  } as const;
  for (const [size, [cpu, memory]] of Object.entries(sizes)) {
    add(store, {
      apiVersion: 'instancetype.kubevirt.io/v1beta1',
      kind: 'VirtualMachineClusterInstancetype',
      metadata: {
        name: `u1.${size}`,
        labels: {
          'instancetype.kubevirt.io/vendor': 'kubevirt.io',
          'instancetype.kubevirt.io/class': 'general.purpose',
        },
        annotations: {
          'instancetype.kubevirt.io/displayName': `U series ${size}`,
        },
      },
      spec: { cpu: { guest: cpu }, memory: { guest: memory } },
    });
  }
  for (const [name, os] of [
    ['fedora', 'Fedora'],
    ['ubuntu', 'Ubuntu'],
    ['centos.stream9', 'CentOS Stream 9'],
  ]) {
    add(store, {
      apiVersion: 'instancetype.kubevirt.io/v1beta1',
      kind: 'VirtualMachineClusterPreference',
      metadata: { name, annotations: { 'openshift.io/display-name': os } },
      spec: {
        devices: {
          preferredDiskBus: 'virtio',
          preferredInterfaceModel: 'virtio',
        },
      },
    });
  }
  for (const [name, image] of Object.entries(images)) {
    add(store, {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: {
        name,
        namespace: 'kubevirt-os-images',
        labels: { 'cdi.kubevirt.io/dataImportCron': `${name}-import-cron` },
      },
      spec: {
        source: { registry: { url: image.url } },
        storage: { resources: { requests: { storage: '30Gi' } } },
      },
      status: { phase: 'Succeeded', progress: '100.0%' },
    });
    add(store, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: 'kubevirt-os-images' },
      spec: {
        accessModes: ['ReadWriteMany'],
        resources: { requests: { storage: '30Gi' } },
        storageClassName: 'local-path',
      },
      status: { phase: 'Bound', capacity: { storage: '30Gi' } },
    });
    add(store, {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataSource',
      metadata: {
        name,
        namespace: 'kubevirt-os-images',
        labels: {
          'instancetype.kubevirt.io/default-preference': image.preference,
          'instancetype.kubevirt.io/default-instancetype': 'u1.medium',
        },
      },
      spec: { source: { pvc: { name, namespace: 'kubevirt-os-images' } } },
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'Ready' }],
        source: { pvc: { name, namespace: 'kubevirt-os-images' } },
      },
    });
  }
  for (const vm of demoVms) add(store, vmManifest(vm));
  const namespaces = ['payments', 'orders', 'data', 'platform'];
  const imageNames = Object.keys(images) as (keyof typeof images)[];
  const sizeNames = ['small', 'medium', 'large', 'xlarge'] as const;
  // groups of 50 VMs, so that a label selector can pick exactly 50 at any scale
  const groups = Math.max(1, Math.ceil(extraVms / 50));
  for (let i = 0; i < extraVms; i++) {
    const manifest = vmManifest({
      namespace: namespaces[i % namespaces.length],
      name: `scale-vm-${String(i).padStart(6, '0')}`,
      entity: `scale-${i % 100}`,
      image: imageNames[i % imageNames.length],
      size: sizeNames[i % sizeNames.length],
      running: false,
    });
    manifest.metadata.labels![SCALE_GROUP_LABEL] = `g${i % groups}`;
    add(store, manifest);
  }
}
