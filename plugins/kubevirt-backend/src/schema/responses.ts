import {
  AcceptedResponse,
  AddVolumeResponse,
  CloneResponse,
  ClusterStatus,
  MissingClusterRight,
  CreateSnapshotResponse,
  CreateVmResponse,
  HotplugResourcesResponse,
  InterfaceChangeResponse,
  ResizeDiskResponse,
  RestoreResponse,
  VmConflictErrorBody,
  VmDetail,
  VmEvent,
  VmLauncherPod,
  VmListResponse,
  VmMetricsResponse,
  VmMigrationInfo,
  VmRestoreInfo,
  VmSnapshotInfo,
  VmSummary,
  SavedVmTemplate,
  VmVolume,
  vmOperations,
  VmGuestDiagnostics,
  UpdateVmMetadataResponse,
  NodeMaintenanceStatus,
  NodeMaintenanceResponse,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { z } from 'zod';
import { documented, named } from './registry';

// What the broker answers, as strict objects: a field the broker sends and the contract does not
// name fails the response test (contractResponses.test.ts), so the document cannot fall behind the
// code; each `satisfies` makes tsc check that what the schema accepts is what the client's type promises.

const str = z.string();
const strings = z.array(z.string());
const stringMap = z.record(z.string(), z.string());
const kubernetesObject = documented(z.record(z.string(), z.unknown()), {
  description: 'A Kubernetes object as the cluster serves it.',
});

const changeApplied = named(
  'ChangeApplied',
  z.enum(['live', 'restart', 'next-start']),
  'live = KubeVirt applies it to the running VM; restart = after the next restart (RestartRequired); next-start = the VM is stopped.',
);

export const errorBody = named(
  'ErrorBody',
  z.strictObject({
    error: z.looseObject({ name: str, message: str }),
    request: z.strictObject({ method: str, url: str }).optional(),
    response: z.strictObject({ statusCode: z.number().int() }),
  }),
  "Backstage's error body: 400 InputError, 403 NotAllowedError, 404 NotFoundError, 409 ConflictError, 415, 501 NotImplementedError, 503 ServiceUnavailableError.",
);

export const conflictErrorBody = named(
  'ConflictErrorBody',
  z.strictObject({
    error: z.looseObject({
      name: z.literal('ConflictError'),
      message: str,
      currentResourceVersion: str.optional(),
      current: documented(kubernetesObject.optional(), {
        description: 'The VirtualMachine as it is now.',
      }),
    }),
    request: z.strictObject({ method: str, url: str }).optional(),
    response: z.strictObject({ statusCode: z.number().int() }),
  }),
) satisfies z.ZodType<VmConflictErrorBody>;

const missingClusterRight = named(
  'MissingClusterRight',
  z.strictObject({
    group: documented(z.string(), {
      description: "API group; '' is the core group.",
    }),
    resource: documented(z.string(), {
      description:
        'Plural resource, with its subresource after a slash (virtualmachines/migrate).',
    }),
    verb: str,
    why: str,
    operations: z.array(z.enum(vmOperations)).optional(),
    feature: str.optional(),
  }),
  'One verb on one resource the broker may not use on the cluster, what it needs it for and the VM operations it stops there.',
) satisfies z.ZodType<MissingClusterRight>;

const clusterCapabilities = named(
  'ClusterCapabilities',
  z.strictObject({
    probedAt: str.optional(),
    kubevirtVersion: str.optional(),
    featureGates: strings.optional(),
    vmRolloutStrategy: str.optional(),
    cdi: z.boolean(),
    instancetypes: z.boolean(),
    snapshots: z.boolean(),
    liveMigration: z.boolean(),
    hotplugVolumes: z.boolean(),
    expandDisks: z.boolean(),
    hotplugNics: z.boolean(),
    cpuMemoryHotplug: z.boolean(),
    metrics: z.boolean(),
    missingRights: documented(z.array(missingClusterRight).optional(), {
      description:
        'The rights the broker needs on the cluster and was refused (SelfSubjectAccessReviews, cluster-wide); empty when it has them all, unset when they could not be checked.',
    }),
    warnings: strings.optional(),
  }),
  "What the cluster can do, as the broker last probed it: the KubeVirt CR's version and feature gates, the API groups it serves, whether its Prometheus answers.",
);

export const clusterStatus = named(
  'ClusterStatus',
  z.strictObject({
    name: str,
    title: str.optional(),
    state: z.enum(['synced', 'not-synced', 'stale']),
    staleSince: str.optional(),
    error: str.optional(),
    vmCount: z.number().int().optional(),
    unavailableKinds: strings.optional(),
    problem: documented(z.string().optional(), {
      description:
        'Why the broker cannot use this cluster at all; set only on clusters it found but never connected to.',
    }),
    capabilities: clusterCapabilities.optional(),
  }),
) satisfies z.ZodType<ClusterStatus>;

const vmSummary = named(
  'VmSummary',
  z.strictObject({
    cluster: str,
    namespace: str,
    name: str,
    uid: str,
    status: documented(z.string(), {
      description:
        "KubeVirt's printableStatus (Running, Stopped, Paused, ErrorUnschedulable, ...).",
    }),
    ready: z.boolean(),
    runStrategy: str.optional(),
    node: str.optional(),
    ipAddresses: strings,
    cpu: z.number().int().optional(),
    memory: str.optional(),
    os: str.optional(),
    instancetype: str.optional(),
    preference: str.optional(),
    kubernetesId: str.optional(),
    labels: stringMap,
    annotations: stringMap.optional(),
    created: str.optional(),
    resourceVersion: str.optional(),
    allowedOperations: z.array(z.enum(vmOperations)),
    unavailableOperations: documented(
      z.partialRecord(z.enum(vmOperations), z.string()).optional(),
      {
        description:
          "Operations the VM's cluster cannot perform (a feature gate or part it lacks), with the reason; never in allowedOperations.",
      },
    ),
  }),
) satisfies z.ZodType<VmSummary>;

export const vmListResponse = named(
  'VmListResponse',
  z.strictObject({
    items: z.array(vmSummary),
    totalItems: z.number().int(),
    clusters: z.array(clusterStatus),
  }),
) satisfies z.ZodType<VmListResponse>;

const vmEvent = named(
  'VmEvent',
  z.strictObject({
    type: str,
    reason: str,
    message: str,
    lastTimestamp: str.optional(),
    count: z.number().int().optional(),
    involvedObject: z.strictObject({ kind: str, name: str }),
  }),
) satisfies z.ZodType<VmEvent>;

const vmVolume = named(
  'VmVolume',
  z.strictObject({
    name: str,
    sourceType: z.enum([
      'dataVolume',
      'persistentVolumeClaim',
      'containerDisk',
      'cloudInitNoCloud',
      'cloudInitConfigDrive',
      'ephemeral',
      'emptyDisk',
      'other',
    ]),
    source: str.optional(),
    hotplugged: z.boolean(),
    device: z
      .strictObject({
        type: z.enum(['disk', 'cdrom', 'lun']),
        bus: str.optional(),
      })
      .optional(),
    size: str.optional(),
    dataVolume: z
      .strictObject({
        phase: str.optional(),
        progress: str.optional(),
        ready: z.boolean(),
      })
      .optional(),
  }),
) satisfies z.ZodType<VmVolume>;

const vmSnapshotInfo = named(
  'VmSnapshotInfo',
  z.strictObject({
    name: str,
    phase: str.optional(),
    readyToUse: z.boolean(),
    creationTime: str.optional(),
    indications: strings,
    error: str.optional(),
  }),
) satisfies z.ZodType<VmSnapshotInfo>;

const vmRestoreInfo = named(
  'VmRestoreInfo',
  z.strictObject({
    name: str,
    snapshot: str,
    complete: z.boolean(),
    restoreTime: str.optional(),
    reason: str.optional(),
    message: str.optional(),
  }),
) satisfies z.ZodType<VmRestoreInfo>;

const vmMigrationInfo = named(
  'VmMigrationInfo',
  z.strictObject({
    name: str,
    phase: str.optional(),
    sourceNode: str.optional(),
    targetNode: str.optional(),
    created: str.optional(),
    active: z.boolean(),
  }),
) satisfies z.ZodType<VmMigrationInfo>;

const vmLauncherPod = named(
  'VmLauncherPod',
  z.strictObject({
    name: str,
    phase: str.optional(),
    node: str.optional(),
    created: str.optional(),
  }),
) satisfies z.ZodType<VmLauncherPod>;

export const vmDetail = named(
  'VmDetail',
  z.strictObject({
    summary: vmSummary,
    vm: kubernetesObject,
    vmi: kubernetesObject.optional(),
    events: z.array(vmEvent),
    launcherPods: z.array(vmLauncherPod),
    snapshots: z.array(vmSnapshotInfo),
    restores: z.array(vmRestoreInfo),
    migrations: z.array(vmMigrationInfo),
    volumes: z.array(vmVolume),
  }),
) satisfies z.ZodType<VmDetail>;

export const vmWriteResponse = named(
  'VmWriteResponse',
  z.strictObject({ vm: vmSummary, dryRun: z.boolean() }),
) satisfies z.ZodType<CreateVmResponse>;

const savedVmTemplate = named(
  'SavedVmTemplate',
  z.strictObject({
    cluster: str,
    namespace: str,
    name: str,
    displayName: str.optional(),
    description: str.optional(),
    source: documented(str.optional(), {
      description: '<namespace>/<vm> it was saved from.',
    }),
    created: str.optional(),
    cpu: z.number().int().optional(),
    memory: str.optional(),
    instancetype: str.optional(),
    preference: str.optional(),
  }),
  'A VM definition saved for reuse: a ConfigMap labelled kubevirt.backstage.io/vm-template in the source VM namespace.',
) satisfies z.ZodType<SavedVmTemplate>;

const items = <T extends z.ZodType>(item: T) =>
  z.strictObject({ items: z.array(item) });

export const clusterList = items(clusterStatus);
export const namespaceList = items(z.strictObject({ name: str }));
export const instancetypeList = items(
  named(
    'InstancetypeOption',
    z.strictObject({
      name: str,
      scope: z.enum(['cluster', 'namespace']),
      namespace: str.optional(),
      cpu: z.number().int().optional(),
      memory: str.optional(),
      displayName: str.optional(),
      class: str.optional(),
    }),
  ),
);
export const preferenceList = items(
  named(
    'PreferenceOption',
    z.strictObject({
      name: str,
      scope: z.enum(['cluster', 'namespace']),
      namespace: str.optional(),
      displayName: str.optional(),
    }),
  ),
);
export const goldenImageList = items(
  named(
    'GoldenImageOption',
    z.strictObject({
      name: str,
      namespace: str,
      os: str.optional(),
      displayName: str.optional(),
      ready: z.boolean(),
      source: z.strictObject({
        type: z.enum(['pvc', 'snapshot', 'registry', 'other']),
        name: str.optional(),
        namespace: str.optional(),
        url: str.optional(),
      }),
      defaultInstancetype: str.optional(),
      defaultPreference: str.optional(),
    }),
  ),
);
export const savedVmTemplateList = items(savedVmTemplate);

export const acceptedResponse = named(
  'Accepted',
  z.looseObject({ accepted: z.boolean(), dryRun: z.boolean() }),
  'Accepted by the cluster.',
) satisfies z.ZodType<AcceptedResponse>;
export const actionAccepted = z.strictObject({
  accepted: z.literal(true),
  action: str,
  dryRun: z.boolean(),
});
export const deleteAccepted = z.strictObject({
  accepted: z.literal(true),
  dryRun: z.boolean(),
});

export const snapshotResponse = z.strictObject({
  snapshot: vmSnapshotInfo,
  dryRun: z.boolean(),
}) satisfies z.ZodType<CreateSnapshotResponse>;
export const restoreResponse = z.strictObject({
  restore: vmRestoreInfo,
  dryRun: z.boolean(),
}) satisfies z.ZodType<RestoreResponse>;
export const cloneResponse = z.strictObject({
  clone: z.strictObject({
    name: str,
    source: str,
    targetName: str,
    phase: str.optional(),
  }),
  dryRun: z.boolean(),
}) satisfies z.ZodType<CloneResponse>;
export const addVolumeResponse = z.strictObject({
  volume: str,
  dataVolume: str.optional(),
  dryRun: z.boolean(),
}) satisfies z.ZodType<AddVolumeResponse>;
export const resizeDiskResponse = z.strictObject({
  volume: str,
  claim: str,
  from: str.optional(),
  to: str,
  dryRun: z.boolean(),
}) satisfies z.ZodType<ResizeDiskResponse>;
export const interfaceChangeResponse = named(
  'InterfaceChange',
  z.strictObject({
    interface: str,
    applied: changeApplied,
    liveMigration: z.boolean(),
    dryRun: z.boolean(),
  }),
  'Spec changed; applied says how the running guest gets it.',
) satisfies z.ZodType<InterfaceChangeResponse>;
export const hotplugResourcesResponse = z.strictObject({
  sockets: z.number().int().optional(),
  memory: str.optional(),
  applied: changeApplied,
  liveMigration: z.boolean(),
  dryRun: z.boolean(),
}) satisfies z.ZodType<HotplugResourcesResponse>;
export const saveAsSavedVmTemplateResponse = z.strictObject({
  template: savedVmTemplate,
  dryRun: z.boolean(),
});
export const evacuateResponse = z.strictObject({
  cluster: str,
  node: str,
  dryRun: z.boolean(),
  results: z.array(
    z.strictObject({
      namespace: str,
      name: str,
      result: z.enum(['migrating', 'not-allowed', 'not-migratable', 'failed']),
      reason: str.optional(),
    }),
  ),
});
export const bulkResponse = z.strictObject({
  action: str,
  dryRun: z.boolean(),
  results: z.array(
    z.strictObject({
      cluster: str,
      namespace: str,
      name: str,
      ok: z.boolean(),
      status: documented(z.number().int(), {
        description: "202/201, or the status of this VM's error.",
      }),
      error: str.optional(),
      snapshot: str.optional(),
    }),
  ),
});
export const metricsResponse = z.strictObject({
  cluster: str,
  namespace: str,
  name: str,
  start: documented(z.number().int(), { description: 'Unix seconds.' }),
  end: z.number().int(),
  step: documented(z.number().int(), {
    description: 'Seconds between points.',
  }),
  queries: documented(z.record(z.string(), z.string()), {
    description: 'The PromQL behind each metric.',
  }),
  series: z.array(
    z.strictObject({
      metric: z.enum([
        'cpu',
        'memory',
        'networkRx',
        'networkTx',
        'storageRead',
        'storageWrite',
      ]),
      label: str.optional(),
      unit: z.enum(['cores', 'bytes', 'bytesPerSecond']),
      points: z.array(z.strictObject({ t: z.number(), v: z.number() })),
    }),
  ),
}) satisfies z.ZodType<VmMetricsResponse>;

export const vmDiagnosticsResponse = named(
  'VmDiagnostics',
  z.strictObject({
    agent: z.enum(['connected', 'not-connected', 'not-running']),
    reason: str.optional(),
    clusterMessage: str.optional(),
    guestAgentVersion: str.optional(),
    hostname: str.optional(),
    os: z
      .strictObject({
        id: str.optional(),
        name: str.optional(),
        prettyName: str.optional(),
        version: str.optional(),
        kernelRelease: str.optional(),
        kernelVersion: str.optional(),
        machine: str.optional(),
      })
      .optional(),
    timezone: documented(z.string(), {
      description: 'As the guest reports it: "<zone>, <offset in seconds>".',
    }).optional(),
    users: z.array(
      z.strictObject({
        userName: str,
        domain: str.optional(),
        loginTime: documented(z.string(), {
          description: 'ISO 8601.',
        }).optional(),
      }),
    ),
    filesystems: z.array(
      z.strictObject({
        diskName: str,
        mountPoint: str,
        fileSystemType: str,
        usedBytes: z.number().int(),
        totalBytes: z.number().int(),
      }),
    ),
  }) satisfies z.ZodType<VmGuestDiagnostics>,
  'What the guest agent reports, or why it cannot (agent not-connected / not-running, reason in words).',
);

export const updateVmMetadataResponse = named(
  'UpdateVmMetadataResponse',
  z.strictObject({
    labels: stringMap,
    annotations: stringMap,
    resourceVersion: str,
    dryRun: z.boolean(),
    changed: z.strictObject({ labels: strings, annotations: strings }),
  }) satisfies z.ZodType<UpdateVmMetadataResponse>,
  'The labels and annotations the VM now has, and the keys that changed.',
);

const nodeMaintenanceFields = {
  cluster: str,
  node: str,
  unschedulable: documented(z.boolean(), {
    description: 'spec.unschedulable: cordoned, no new VM lands on it.',
  }),
  ready: z.boolean(),
  vmCount: documented(z.number().int(), {
    description: 'Every VM instance still on the node.',
  }),
  vms: z.array(
    z.strictObject({ namespace: str, name: str, migrating: z.boolean() }),
  ),
  drained: documented(z.boolean(), {
    description: 'Cordoned and empty: the node can be serviced.',
  }),
};

export const nodeMaintenanceStatus = named(
  'NodeMaintenanceStatus',
  z.strictObject(
    nodeMaintenanceFields,
  ) satisfies z.ZodType<NodeMaintenanceStatus>,
  'A node in (or out of) maintenance and the VM instances still on it; only those the caller may read are named.',
);

export const nodeMaintenanceResponse = named(
  'NodeMaintenanceResponse',
  z.strictObject({
    ...nodeMaintenanceFields,
    dryRun: z.boolean(),
    results: evacuateResponse.shape.results.optional(),
  }) satisfies z.ZodType<NodeMaintenanceResponse>,
);
