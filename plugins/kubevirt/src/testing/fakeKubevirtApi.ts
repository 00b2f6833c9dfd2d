import { ResponseError } from '@backstage/errors';
import {
  VmDetail,
  VmOperation,
  vmOperations,
  VmRef,
  VmSummary,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubevirtApi } from '../api';
import { diagnosticsFixture } from './diagnosticsFixture';
import { fakeNodeMaintenance } from './fakeNodeMaintenance';
import { metricsFixture } from './metricsFixture';

/** Every operation: what a vm-admin sees. */
export const allOperations: VmOperation[] = [...vmOperations];

export function summary(over: Partial<VmSummary> = {}): VmSummary {
  return {
    cluster: 'east',
    namespace: 'payments',
    name: 'db-0',
    uid: 'uid-db-0',
    status: 'Running',
    ready: true,
    runStrategy: 'Always',
    node: 'node-a',
    ipAddresses: ['10.244.0.7'],
    cpu: 2,
    memory: '8Gi',
    os: 'Fedora Linux 41',
    instancetype: 'u1.large',
    preference: 'fedora',
    kubernetesId: 'payments-api',
    labels: { 'backstage.io/kubernetes-id': 'payments-api' },
    created: new Date(Date.now() - 3 * 3600_000).toISOString(),
    resourceVersion: '100',
    allowedOperations: allOperations,
    ...over,
  };
}

export function detail(
  over: Partial<VmSummary> = {},
  extra: Partial<VmDetail> = {},
): VmDetail {
  const s = summary(over);
  return {
    summary: s,
    vm: {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: {
        name: s.name,
        namespace: s.namespace,
        resourceVersion: s.resourceVersion,
        labels: s.labels,
        managedFields: [{ manager: 'x' }],
      },
      spec: {
        runStrategy: s.runStrategy,
        template: {
          spec: {
            domain: {
              devices: {
                disks: [{ name: 'rootdisk', disk: { bus: 'virtio' } }],
                interfaces: [{ name: 'default', masquerade: {} }],
              },
            },
            networks: [{ name: 'default', pod: {} }],
            volumes: [
              {
                name: 'rootdisk',
                containerDisk: { image: 'quay.io/containerdisks/fedora:41' },
              },
            ],
          },
        },
      },
      status: {
        printableStatus: s.status,
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    },
    vmi:
      s.status === 'Stopped'
        ? undefined
        : {
            metadata: { uid: 'vmi-1' },
            status: {
              nodeName: s.node,
              interfaces: [
                {
                  name: 'default',
                  mac: '02:00:00:aa:bb:cc',
                  ipAddress: s.ipAddresses[0],
                  ipAddresses: s.ipAddresses,
                  interfaceName: 'eth0',
                },
              ],
              guestOSInfo: { prettyName: s.os },
            },
          },
    events: [
      {
        type: 'Normal',
        reason: 'SuccessfulCreate',
        message:
          'Started the virtual machine by creating the new virtual machine instance',
        involvedObject: { kind: 'VirtualMachine', name: s.name },
        count: 1,
        lastTimestamp: new Date().toISOString(),
      },
      {
        type: 'Warning',
        reason: 'FailedScheduling',
        message: '0/3 nodes are available',
        involvedObject: { kind: 'VirtualMachineInstance', name: s.name },
        count: 2,
      },
    ],
    launcherPods: [],
    snapshots: [],
    restores: [],
    migrations: [],
    volumes: [
      {
        name: 'rootdisk',
        sourceType: 'containerDisk',
        source: 'quay.io/containerdisks/fedora:41',
        hotplugged: false,
        device: { type: 'disk', bus: 'virtio' },
      },
    ],
    ...extra,
  };
}

/** What the client throws for a broker error body: a ResponseError's shape (its constructor is private). */
export function brokerError(
  status: number,
  name: string,
  message: string,
  extra: Record<string, unknown> = {},
): ResponseError {
  return Object.assign(new Error(`Request failed with ${status} ${name}`), {
    name: 'ResponseError' as const,
    response: { status, statusText: name } as Response,
    body: {
      error: { name, message, ...extra },
      request: { method: 'POST', url: '/' },
      response: { statusCode: status },
    },
  }) as unknown as ResponseError;
}

/**
 * A broker that answers from memory and moves the VM to the state each
 * operation aims at at once, so dialogs see their target on the next read.
 */
export function fakeKubevirtApi(initial: VmDetail) {
  let current = initial;
  const set = (over: Partial<VmSummary>, extra: Partial<VmDetail> = {}) => {
    current = {
      ...current,
      ...extra,
      summary: { ...current.summary, ...over },
    };
  };
  const same = (ref: VmRef) => ref.name === current.summary.name;
  let deleted = false;
  let vmiUid = 'vmi-1';
  const clones = new Set<string>();
  const api = {
    listClusters: jest.fn(async () => ({
      items: [{ name: 'east', state: 'synced' as const }] as {
        name: string;
        state: 'synced';
      }[],
    })),
    listVms: jest.fn(async () => ({
      items: [current.summary],
      totalItems: 1,
      clusters: [{ name: 'east', state: 'synced' as const }],
    })),
    getVm: jest.fn(async (ref: VmRef) => {
      if (clones.has(ref.name))
        return detail({ name: ref.name, status: 'Stopped' });
      if (deleted || !same(ref))
        throw brokerError(
          404,
          'NotFoundError',
          `Virtual machine ${ref.namespace}/${ref.name} not found on cluster ${ref.cluster}`,
        );
      return {
        ...current,
        vmi: current.vmi
          ? { ...(current.vmi as object), metadata: { uid: vmiUid } }
          : undefined,
      };
    }),
    act: jest.fn(async (_ref: VmRef, action: string) => {
      const target: Record<string, string> = {
        start: 'Running',
        stop: 'Stopped',
        forceStop: 'Stopped',
        restart: 'Running',
        softReboot: 'Running',
        pause: 'Paused',
        unpause: 'Running',
      };
      if (action === 'restart') vmiUid = 'vmi-2';
      if (action === 'migrate') {
        set(
          {},
          {
            migrations: [
              ...current.migrations,
              {
                name: 'mig-1',
                phase: 'Succeeded',
                sourceNode: 'node-a',
                targetNode: 'node-b',
                active: false,
              },
            ],
          },
        );
      } else set({ status: target[action] });
      return { accepted: true };
    }),
    deleteVm: jest.fn(async () => {
      deleted = true;
      return { accepted: true };
    }),
    updateVm: jest.fn(async () => ({ vm: current.summary, dryRun: false })),
    updateVmMetadata: jest.fn(
      async (
        _ref: VmRef,
        req: {
          labels: Record<string, string>;
          annotations: Record<string, string>;
        },
      ) => {
        const meta = (current.vm as { metadata: Record<string, any> }).metadata;
        const changedOf = (
          before: Record<string, string> = {},
          after: Record<string, string>,
        ) =>
          [...new Set([...Object.keys(before), ...Object.keys(after)])]
            .filter(k => before[k] !== after[k])
            .sort();
        const changed = {
          labels: changedOf(meta.labels, req.labels),
          annotations: changedOf(meta.annotations, req.annotations),
        };
        const resourceVersion = String(Number(meta.resourceVersion ?? 0) + 1);
        set(
          { labels: req.labels, annotations: req.annotations, resourceVersion },
          {
            vm: {
              ...(current.vm as object),
              metadata: {
                ...meta,
                labels: req.labels,
                annotations: req.annotations,
                resourceVersion,
              },
            },
          },
        );
        return {
          labels: req.labels,
          annotations: req.annotations,
          resourceVersion,
          dryRun: false,
          changed,
        };
      },
    ),
    createSnapshot: jest.fn(
      async (_ref: VmRef, req: { name?: string } = {}) => {
        const snapshot = {
          name: req.name ?? 'snap-1',
          readyToUse: true,
          phase: 'Succeeded',
          indications: ['Online'],
        };
        set({}, { snapshots: [snapshot, ...current.snapshots] });
        return { snapshot, dryRun: false };
      },
    ),
    deleteSnapshot: jest.fn(async (_ref: VmRef, name: string) => {
      set({}, { snapshots: current.snapshots.filter(s => s.name !== name) });
      return { accepted: true, dryRun: false };
    }),
    restoreSnapshot: jest.fn(async (_ref: VmRef, req: { snapshot: string }) => {
      const restore = {
        name: `${req.snapshot}-restore`,
        snapshot: req.snapshot,
        complete: true,
      };
      set({}, { restores: [restore] });
      return { restore, dryRun: false };
    }),
    cloneVm: jest.fn(async (_ref: VmRef, req: { targetName: string }) => {
      clones.add(req.targetName);
      return {
        clone: {
          name: 'c',
          source: current.summary.name,
          targetName: req.targetName,
        },
        dryRun: false,
      };
    }),
    addVolume: jest.fn(
      async (_ref: VmRef, req: { name: string; size?: string }) => {
        set(
          {},
          {
            volumes: [
              ...current.volumes,
              {
                name: req.name,
                sourceType: 'dataVolume',
                source: `${current.summary.name}-${req.name}`,
                hotplugged: true,
                size: req.size,
                dataVolume: { phase: 'Succeeded', ready: true },
              },
            ],
          },
        );
        return { volume: req.name, dryRun: false };
      },
    ),
    removeVolume: jest.fn(async (_ref: VmRef, name: string) => {
      set({}, { volumes: current.volumes.filter(v => v.name !== name) });
      return { accepted: true, dryRun: false };
    }),
    cancelMigration: jest.fn(async () => {
      set(
        {},
        {
          migrations: current.migrations.map(m => ({
            ...m,
            active: false,
            phase: 'Failed',
          })),
        },
      );
      return { accepted: true, dryRun: false };
    }),
    bulk: jest.fn(async (req: { action: string; vms: VmRef[] }) => ({
      action: req.action,
      dryRun: false,
      results: req.vms.map(vm => ({
        ...vm,
        ok: true,
        status: req.action === 'snapshot' ? 201 : 202,
        ...(req.action === 'snapshot' ? { snapshot: `${vm.name}-snap` } : {}),
      })),
    })),
    resizeDisk: jest.fn(
      async (_ref: VmRef, volume: string, req: { size: string }) => {
        const from = current.volumes.find(v => v.name === volume)?.size;
        set(
          {},
          {
            volumes: current.volumes.map(v =>
              v.name === volume ? { ...v, size: req.size } : v,
            ),
          },
        );
        return {
          volume,
          claim: `${current.summary.name}-${volume}`,
          from,
          to: req.size,
          dryRun: false,
        };
      },
    ),
    addInterface: jest.fn(
      async (
        _ref: VmRef,
        req: {
          name: string;
          network: 'pod' | { multus: string };
          binding: string;
          model?: string;
        },
      ) => {
        const vm = current.vm as any;
        const spec = vm.spec.template.spec;
        const nic = {
          name: req.name,
          [req.binding]: {},
          ...(req.model ? { model: req.model } : {}),
        };
        const network =
          req.network === 'pod'
            ? { name: req.name, pod: {} }
            : { name: req.name, multus: { networkName: req.network.multus } };
        const next = {
          ...vm,
          spec: {
            ...vm.spec,
            template: {
              ...vm.spec.template,
              spec: {
                ...spec,
                domain: {
                  ...spec.domain,
                  devices: {
                    ...spec.domain.devices,
                    interfaces: [...spec.domain.devices.interfaces, nic],
                  },
                },
                networks: [...spec.networks, network],
              },
            },
          },
        };
        set({}, { vm: next });
        let applied = req.binding === 'masquerade' ? 'restart' : 'live';
        if (current.summary.status !== 'Running') applied = 'next-start';
        return {
          interface: req.name,
          applied: applied as 'live' | 'restart' | 'next-start',
          liveMigration: req.binding === 'sriov',
          dryRun: false,
        };
      },
    ),
    removeInterface: jest.fn(async (_ref: VmRef, name: string) => {
      const vm = current.vm as any;
      const spec = vm.spec.template.spec;
      const next = {
        ...vm,
        spec: {
          ...vm.spec,
          template: {
            ...vm.spec.template,
            spec: {
              ...spec,
              domain: {
                ...spec.domain,
                devices: {
                  ...spec.domain.devices,
                  interfaces: spec.domain.devices.interfaces.filter(
                    (i: any) => i.name !== name,
                  ),
                },
              },
              networks: spec.networks.filter((n: any) => n.name !== name),
            },
          },
        },
      };
      set({}, { vm: next });
      return {
        interface: name,
        applied: (current.summary.status === 'Running'
          ? 'live'
          : 'next-start') as 'live' | 'next-start',
        liveMigration: false,
        dryRun: false,
      };
    }),
    hotplugResources: jest.fn(
      async (_ref: VmRef, req: { sockets?: number; memory?: string }) => {
        set({
          cpu: req.sockets ?? current.summary.cpu,
          memory: req.memory ?? current.summary.memory,
        });
        return {
          ...req,
          applied: (current.summary.status === 'Running'
            ? 'live'
            : 'next-start') as 'live' | 'next-start',
          liveMigration: current.summary.status === 'Running',
          dryRun: false,
        };
      },
    ),
    saveAsSavedVmTemplate: jest.fn(
      async (ref: VmRef, req: { name: string; displayName?: string }) => ({
        template: {
          cluster: ref.cluster,
          namespace: ref.namespace,
          name: req.name,
          displayName: req.displayName,
          source: `${ref.namespace}/${ref.name}`,
        },
        dryRun: false,
      }),
    ),
    listSavedVmTemplates: jest.fn(async (cluster: string) => ({
      items:
        cluster === 'east'
          ? [
              {
                cluster,
                namespace: 'payments',
                name: 'fedora-db',
                displayName: 'Fedora database',
                source: 'payments/db-0',
              },
            ]
          : [],
    })),
    createVmFromSavedVmTemplate: jest.fn(
      async (
        savedTemplate: { cluster: string; namespace: string },
        req: { name: string },
      ) => {
        clones.add(req.name);
        return {
          vm: summary({
            cluster: savedTemplate.cluster,
            namespace: savedTemplate.namespace,
            name: req.name,
            status: 'Stopped',
          }),
          dryRun: false,
        };
      },
    ),
    ...fakeNodeMaintenance(initial.summary),
    evacuateNode: jest.fn(async (cluster: string, node: string) => {
      set({ node: 'node-b' });
      return {
        cluster,
        node,
        dryRun: false,
        results: [
          {
            namespace: current.summary.namespace,
            name: current.summary.name,
            result: 'migrating' as const,
          },
          {
            namespace: 'payments',
            name: 'gpu-0',
            result: 'not-migratable' as const,
            reason: 'HostDevice gpu0 is not live-migratable',
          },
          {
            namespace: 'ops',
            name: 'secret-vm',
            result: 'not-allowed' as const,
            reason: 'Your VM role does not allow migrate on ops/secret-vm',
          },
        ],
      };
    }),
    getVmMetrics: jest.fn(async (ref: VmRef) =>
      metricsFixture(ref, { empty: current.summary.status !== 'Running' }),
    ),
    getVmDiagnostics: jest.fn(async (_ref: VmRef) =>
      diagnosticsFixture(current.summary.status === 'Running'),
    ),
    consoleConnection: jest.fn(
      async (ref: VmRef, kind: string, token: string) => ({
        url: `ws://localhost:7007/api/kubevirt/vms/${ref.cluster}/${ref.namespace}/${ref.name}/${kind}`,
        protocols: [
          'plain.kubevirt.io',
          `base64url.bearer.authorization.backstage.io.${token}`,
        ],
      }),
    ),
  };
  return { api: api as typeof api & KubevirtApi, current: () => current, set };
}
