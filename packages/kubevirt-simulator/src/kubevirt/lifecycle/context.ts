import crypto from 'node:crypto';
import { resourceTypeOfKind } from '../../store/resources';
import { KubeObject, Store } from '../../store/store';
import { deriveVmStatus } from './derivedVmStatus';
import { restartRequired } from '../clusterFeatures';

const oses: Record<
  string,
  {
    id: string;
    name: string;
    prettyName: string;
    version: string;
    kernelRelease: string;
  }
> = {
  fedora: {
    id: 'fedora',
    name: 'Fedora Linux',
    prettyName: 'Fedora Linux 41 (Cloud Edition)',
    version: '41',
    kernelRelease: '6.11.4-301.fc41.x86_64',
  },
  ubuntu: {
    id: 'ubuntu',
    name: 'Ubuntu',
    prettyName: 'Ubuntu 24.04.1 LTS',
    version: '24.04',
    kernelRelease: '6.8.0-45-generic',
  },
  centos: {
    id: 'centos',
    name: 'CentOS Stream',
    prettyName: 'CentOS Stream 9',
    version: '9',
    kernelRelease: '5.14.0-503.el9.x86_64',
  },
};

/** What stages may read and do; every write goes through the store, so watches see it. */
let lastEventNanos = 0n;

/**
 * Event names as the kubelet and KubeVirt's recorders make them: the object's
 * name and the hex of the time in nanoseconds. Lists are sorted by name, so a
 * namespace's events come back in the order they were recorded; the counter
 * keeps two events of the same millisecond in that order.
 */
function eventSuffix() {
  const now = BigInt(Date.now()) * 1_000_000n;
  lastEventNanos = now > lastEventNanos ? now : lastEventNanos + 1n;
  return lastEventNanos.toString(16);
}

export class StageContext {
  constructor(private readonly store: Store, readonly nodes: () => string[]) {}

  get(kind: string, namespace: string | undefined, name: string | undefined) {
    if (!name) return undefined;
    return this.store.get(resourceTypeOfKind(kind), namespace, name);
  }

  create(kind: string, obj: KubeObject) {
    return this.store.create(resourceTypeOfKind(kind), obj);
  }

  write(obj: KubeObject) {
    const current = this.get(
      obj.kind,
      obj.metadata.namespace,
      obj.metadata.name,
    );
    if (!current) return obj;
    return this.store.update(
      resourceTypeOfKind(obj.kind),
      {
        ...obj,
        metadata: {
          ...obj.metadata,
          resourceVersion: current.metadata.resourceVersion,
        },
      },
      { internal: true },
    );
  }

  /** Merges fields into the current status (undefined removes a field). */
  writeStatus(obj: KubeObject, fields: Record<string, unknown>) {
    const current = this.get(
      obj.kind,
      obj.metadata.namespace,
      obj.metadata.name,
    );
    if (!current) return;
    const status = { ...current.status };
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) delete status[k];
      else status[k] = v;
    }
    this.write({ ...current, status });
  }

  delete(kind: string, namespace: string | undefined, name: string) {
    try {
      this.store.delete(resourceTypeOfKind(kind), namespace, name, {});
    } catch {
      // already gone
    }
  }

  /** Removes these finalizers and keeps everyone else's, as each controller removes only its own. */
  removeFinalizers(obj: KubeObject, finalizers: string[]) {
    const current = this.get(
      obj.kind,
      obj.metadata.namespace,
      obj.metadata.name,
    );
    if (current)
      this.write({
        ...current,
        metadata: {
          ...current.metadata,
          finalizers: (current.metadata.finalizers ?? []).filter(
            f => !finalizers.includes(f),
          ),
        },
      });
  }

  /** Adds a finalizer the object lacks (never to one being deleted: the apiserver refuses that). */
  addFinalizer(obj: KubeObject, finalizer: string) {
    const current = this.get(
      obj.kind,
      obj.metadata.namespace,
      obj.metadata.name,
    );
    if (
      current &&
      !current.metadata.deletionTimestamp &&
      !current.metadata.finalizers?.includes(finalizer)
    )
      this.write({
        ...current,
        metadata: {
          ...current.metadata,
          finalizers: [...(current.metadata.finalizers ?? []), finalizer],
        },
      });
  }

  ownerRef(owner: KubeObject) {
    return {
      apiVersion: owner.apiVersion,
      kind: owner.kind,
      name: owner.metadata.name,
      uid: owner.metadata.uid!,
      controller: true,
      blockOwnerDeletion: true,
    };
  }

  vmi(vm: KubeObject) {
    return this.get(
      'VirtualMachineInstance',
      vm.metadata.namespace,
      vm.metadata.name,
    );
  }

  ownerVm(vmi: KubeObject) {
    return this.get(
      'VirtualMachine',
      vmi.metadata.namespace,
      vmi.metadata.name,
    );
  }

  migrating(vm: KubeObject) {
    const vmims = this.store.list(
      resourceTypeOfKind('VirtualMachineInstanceMigration'),
      {
        namespace: vm.metadata.namespace,
        labels: [
          { key: 'kubevirt.io/vmi-name', op: 'in', values: [vm.metadata.name] },
        ],
      },
    ).items;
    return vmims.some(
      m =>
        !['Succeeded', 'Failed'].includes(m.status?.phase) && m.status?.phase,
    );
  }

  provisioning(vm: KubeObject) {
    return (vm.spec?.dataVolumeTemplates ?? []).some((t: KubeObject) => {
      const dv = this.get('DataVolume', vm.metadata.namespace, t.metadata.name);
      return !dv || dv.status?.phase !== 'Succeeded';
    });
  }

  derivedVmStatus(vm: KubeObject) {
    return deriveVmStatus(vm, this);
  }

  restartRequired(vm: KubeObject) {
    const vmi = this.vmi(vm);
    if (!vmi || vmi.metadata.deletionTimestamp) return false;
    return restartRequired(
      this.store,
      this.expandedSpec(vm).domain,
      vmi.spec?.domain,
    );
  }

  /** The VMI spec from the VM template, with instancetype CPU and memory applied. */
  expandedSpec(vm: KubeObject) {
    const spec = JSON.parse(JSON.stringify(vm.spec?.template?.spec ?? {}));
    spec.domain = spec.domain ?? {};
    // cluster instancetypes have no namespace: looking one up under the VM's found nothing
    const namespaced =
      vm.spec?.instancetype?.kind === 'VirtualMachineInstancetype';
    const it = vm.spec?.instancetype?.name
      ? this.get(
          namespaced
            ? 'VirtualMachineInstancetype'
            : 'VirtualMachineClusterInstancetype',
          namespaced ? vm.metadata.namespace : undefined,
          vm.spec.instancetype.name,
        )
      : undefined;
    if (it) {
      spec.domain.cpu = { sockets: it.spec.cpu.guest, cores: 1, threads: 1 };
      spec.domain.memory = { guest: it.spec.memory.guest };
    }
    spec.domain.devices = spec.domain.devices ?? {};
    return spec;
  }

  /** A schedulable node other than `exclude`, or undefined when every node is cordoned (or excluded). */
  pickNode(exclude?: string): string | undefined {
    const nodes = this.nodes().filter(n => n !== exclude);
    return nodes[Math.floor(Math.random() * nodes.length)];
  }

  interfaceFor(vmi: KubeObject) {
    const hash = crypto
      .createHash('sha1')
      .update(
        `${vmi.metadata.namespace}/${vmi.metadata.name}/${vmi.metadata.uid}`,
      )
      .digest();
    const ip = `10.244.${hash[0] % 3}.${(hash[1] % 250) + 2}`;
    return {
      name: 'default',
      ipAddress: ip,
      ipAddresses: [ip],
      mac: `02:${[...hash.subarray(2, 7)]
        .map(b => b.toString(16).padStart(2, '0'))
        .join(':')}`,
      interfaceName: 'eth0',
      infoSource: 'domain, guest-agent',
      queueCount: 1,
    };
  }

  guestOsFor(vmi: KubeObject) {
    const pref =
      vmi.metadata.annotations?.['kubevirt.io/cluster-preference-name'] ?? '';
    const key = ['ubuntu', 'centos'].find(k => pref.startsWith(k)) ?? 'fedora';
    const os = oses[key];
    return {
      ...os,
      versionId: os.version,
      kernelVersion: '#1 SMP PREEMPT_DYNAMIC',
      machine: 'x86_64',
    };
  }

  createLauncherPod(vmi: KubeObject) {
    return this.create('Pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: '',
        generateName: `virt-launcher-${vmi.metadata.name}-`,
        namespace: vmi.metadata.namespace,
        labels: {
          ...vmi.metadata.labels,
          'kubevirt.io': 'virt-launcher',
          'kubevirt.io/created-by': vmi.metadata.uid!,
          'vm.kubevirt.io/name': vmi.metadata.name,
          'vmi.kubevirt.io/id': vmi.metadata.name,
        },
        annotations: { 'kubevirt.io/domain': vmi.metadata.name },
        ownerReferences: [this.ownerRef(vmi)],
      },
      spec: {
        containers: [
          { name: 'compute', image: 'quay.io/kubevirt/virt-launcher:v1.9.0' },
        ],
      },
      status: { phase: 'Pending' },
    });
  }

  setLauncherPodPhase(vmi: KubeObject, phase: string, node: string) {
    const pods = this.store.list(resourceTypeOfKind('Pod'), {
      namespace: vmi.metadata.namespace,
      labels: [
        {
          key: 'kubevirt.io/created-by',
          op: 'in',
          values: [vmi.metadata.uid!],
        },
      ],
    }).items;
    for (const pod of pods) {
      this.write({
        ...pod,
        spec: { ...pod.spec, nodeName: node },
        status: { ...pod.status, phase, hostIP: '192.168.10.1' },
      });
    }
  }

  event(
    obj: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component = 'virtualmachine-controller',
  ) {
    const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.create('Event', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${obj.metadata.name}.${eventSuffix()}`,
        namespace: obj.metadata.namespace ?? 'default',
      },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      type,
      reason,
      message,
      source: { component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
    });
  }
}
