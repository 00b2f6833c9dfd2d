import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { BasicPermission } from '@backstage/plugin-permission-common';
import { VmAction, VmSummary } from '@internal/plugin-kubevirt-common';
import type { z as zod } from 'zod/v3';
import { VmService } from '../service/VmService';
import { VmWrites } from '../service/VmWrites';

/**
 * The broker's reads and operations as actions of Backstage's actions registry,
 * which the MCP actions backend offers to AI assistants as tools. Each action
 * calls the same VmService / VmWrites method as the REST route, with the
 * caller's credentials: same permission decision, validation, audit event and
 * error mapping. Descriptions are written for a model to read.
 */
export function registerVmActions(options: {
  registry: ActionsRegistryService;
  vms: VmService;
  writes: VmWrites;
  visibilityPermission?: BasicPermission;
}) {
  const { registry, vms, writes, visibilityPermission } = options;

  const vmRefInput = (z: typeof zod) => ({
    cluster: z.string().min(1).describe('Cluster name, as `list-vms` returns it (e.g. "local-sim")'),
    namespace: z.string().min(1).describe('Kubernetes namespace of the VM'),
    name: z.string().min(1).describe('Name of the VirtualMachine'),
  });

  const summaryOutput = (z: typeof zod) =>
    z.object({
      cluster: z.string(),
      namespace: z.string(),
      name: z.string(),
      status: z.string().describe('KubeVirt printableStatus: Running, Stopped, Paused, Migrating, ErrorUnschedulable, ...'),
      ready: z.boolean(),
      node: z.string().optional(),
      ipAddresses: z.array(z.string()),
      os: z.string().optional(),
      cpu: z.number().optional().describe('vCPUs'),
      memory: z.string().optional().describe('Guest memory, e.g. 4Gi'),
      instancetype: z.string().optional(),
      kubernetesId: z.string().optional().describe('The catalog component the VM belongs to (backstage.io/kubernetes-id)'),
      runStrategy: z.string().optional(),
      created: z.string().optional(),
      allowedOperations: z.array(z.string()).describe('What the caller may do on this VM'),
    });

  const toSummary = (s: VmSummary) => ({
    cluster: s.cluster,
    namespace: s.namespace,
    name: s.name,
    status: s.status,
    ready: s.ready,
    node: s.node,
    ipAddresses: s.ipAddresses,
    os: s.os,
    cpu: s.cpu,
    memory: s.memory,
    instancetype: s.instancetype,
    kubernetesId: s.kubernetesId,
    runStrategy: s.runStrategy,
    created: s.created,
    allowedOperations: s.allowedOperations,
  });

  registry.register({
    name: 'list-vms',
    title: 'List virtual machines',
    description:
      'Lists the KubeVirt virtual machines the caller may see, across all configured clusters, with their status, node, IPs, OS and size. ' +
      'Use it to answer questions such as "which of my VMs are stopped?" or to find the cluster/namespace/name of a VM before acting on it. ' +
      'Filter by catalog entity ref (e.g. component:default/payments-api), cluster, namespace, status (printableStatus values) or free text. ' +
      'The answer also lists each cluster with its sync state: a cluster that is "not-synced" or "stale" may be missing VMs or show old states.',
    visibilityPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entity: z.string().optional().describe('Catalog entity ref whose VMs to list, e.g. component:default/payments-api'),
          cluster: z.string().optional(),
          namespace: z.string().optional(),
          status: z.array(z.string()).optional().describe('Only VMs in these statuses, e.g. ["Stopped"]'),
          text: z.string().optional().describe('Matches name, namespace, OS, node or IP'),
          limit: z.number().int().min(1).max(500).optional().describe('At most this many VMs (default 100)'),
        }),
      output: z =>
        z.object({
          items: z.array(summaryOutput(z)),
          totalItems: z.number().describe('VMs matching, before the limit'),
          clusters: z.array(z.object({ name: z.string(), state: z.string(), staleSince: z.string().optional(), error: z.string().optional() })),
        }),
    },
    examples: [
      { title: 'Stopped VMs of a service', input: { entity: 'component:default/payments-api', status: ['Stopped'] } },
      { title: 'VMs in a namespace', input: { cluster: 'local-sim', namespace: 'orders' } },
    ],
    action: async ({ input, credentials }) => {
      const result = await vms.list({ ...input, limit: input.limit ?? 100 }, credentials);
      return {
        output: {
          items: result.items.map(toSummary),
          totalItems: result.totalItems,
          clusters: result.clusters.map(c => ({ name: c.name, state: c.state, staleSince: c.staleSince, error: c.error })),
        },
      };
    },
  });

  registry.register({
    name: 'get-vm',
    title: 'Get a virtual machine',
    description:
      'Returns one KubeVirt virtual machine in detail: its status, the running instance (node, IPs, guest OS), recent events, snapshots, restores and migrations. ' +
      'Use it before acting on a VM, to check its state, or to find a snapshot to restore.',
    visibilityPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object(vmRefInput(z)),
      output: z =>
        z.object({
          summary: summaryOutput(z),
          vmiPhase: z.string().optional().describe('Phase of the running instance, if any'),
          events: z.array(z.object({ type: z.string(), reason: z.string(), message: z.string(), lastTimestamp: z.string().optional() })),
          snapshots: z.array(z.object({ name: z.string(), phase: z.string().optional(), readyToUse: z.boolean().optional(), created: z.string().optional() })),
          restores: z.array(z.object({ name: z.string(), snapshot: z.string().optional(), complete: z.boolean().optional() })),
          migrations: z.array(z.object({ name: z.string(), phase: z.string().optional() })),
        }),
    },
    examples: [{ title: 'A database VM', input: { cluster: 'local-sim', namespace: 'payments', name: 'payments-db-0' } }],
    action: async ({ input, credentials }) => {
      const detail = await vms.get(input, credentials);
      const vmi = detail.vmi as { status?: { phase?: string } } | undefined;
      return {
        output: {
          summary: toSummary(detail.summary),
          vmiPhase: vmi?.status?.phase,
          events: detail.events.slice(0, 20).map(e => ({ type: e.type, reason: e.reason, message: e.message, lastTimestamp: e.lastTimestamp })),
          snapshots: (detail.snapshots ?? []).map(s => ({ name: s.name, phase: s.phase, readyToUse: s.readyToUse, created: s.creationTime })),
          restores: (detail.restores ?? []).map(r => ({ name: r.name, snapshot: r.snapshot, complete: r.complete })),
          migrations: (detail.migrations ?? []).map(m => ({ name: m.name, phase: m.phase })),
        },
      };
    },
  });

  const operations: { name: string; action: VmAction; title: string; description: string; destructive: boolean }[] = [
    { name: 'start-vm', action: 'start', title: 'Start a virtual machine', description: 'Starts a stopped VM (KubeVirt start subresource). Fails if the VM already runs.', destructive: false },
    {
      name: 'stop-vm',
      action: 'stop',
      title: 'Stop a virtual machine',
      description: 'Stops a running VM gracefully: the guest is asked to shut down; its workload becomes unavailable. Set force to stop at once, like pulling the plug.',
      destructive: true,
    },
    { name: 'restart-vm', action: 'restart', title: 'Restart a virtual machine', description: 'Restarts a running VM; its workload is briefly unavailable.', destructive: true },
    { name: 'pause-vm', action: 'pause', title: 'Pause a virtual machine', description: 'Freezes a running VM in memory (no data loss); unpause resumes it.', destructive: false },
    { name: 'unpause-vm', action: 'unpause', title: 'Unpause a virtual machine', description: 'Resumes a paused VM.', destructive: false },
    {
      name: 'migrate-vm',
      action: 'migrate',
      title: 'Live-migrate a virtual machine',
      description: 'Live-migrates a running VM to another node without stopping it. Fails if the VM is not live-migratable (e.g. a non-shared disk).',
      destructive: false,
    },
  ];
  for (const op of operations) {
    registry.register({
      name: op.name,
      title: op.title,
      description: `${op.description} The request is accepted when KubeVirt accepts it; poll get-vm to see the new status. Set dryRun to check permission and state without changing anything.`,
      visibilityPermission,
      attributes: { readOnly: false, destructive: op.destructive, idempotent: false },
      schema: {
        input: z =>
          z.object({
            ...vmRefInput(z),
            ...(op.action === 'stop' ? { force: z.boolean().optional().describe('Stop at once without waiting for the guest') } : {}),
            dryRun: z.boolean().optional(),
          }),
        output: z => z.object({ accepted: z.boolean(), action: z.string(), dryRun: z.boolean() }),
      },
      examples: [{ title: op.title, input: { cluster: 'local-sim', namespace: 'payments', name: 'payments-batch' } }],
      action: async ({ input, credentials }) => {
        const { cluster, namespace, name, dryRun } = input as { cluster: string; namespace: string; name: string; dryRun?: boolean; force?: boolean };
        const action: VmAction = op.action === 'stop' && (input as { force?: boolean }).force ? 'forceStop' : op.action;
        await vms.act({ cluster, namespace, name }, action, { dryRun }, credentials);
        return { output: { accepted: true, action, dryRun: !!dryRun } };
      },
    });
  }

  registry.register({
    name: 'snapshot-vm',
    title: 'Snapshot a virtual machine',
    description:
      'Takes a snapshot of a VM (VirtualMachineSnapshot), e.g. before an upgrade. Returns the snapshot name; it becomes readyToUse after a while (check get-vm). ' +
      'A running VM is snapshotted online.',
    visibilityPermission,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z => z.object({ ...vmRefInput(z), snapshotName: z.string().optional().describe('Name of the snapshot; generated when omitted'), dryRun: z.boolean().optional() }),
      output: z => z.object({ snapshot: z.string(), phase: z.string().optional(), dryRun: z.boolean() }),
    },
    examples: [{ title: 'Before an upgrade', input: { cluster: 'local-sim', namespace: 'payments', name: 'payments-db-0', snapshotName: 'payments-db-0-pre-upgrade' } }],
    action: async ({ input, credentials }) => {
      const { snapshotName, dryRun, ...ref } = input;
      const result = await writes.snapshot(ref, { name: snapshotName, dryRun }, credentials);
      return { output: { snapshot: result.snapshot.name, phase: result.snapshot.phase, dryRun: result.dryRun } };
    },
  });

  registry.register({
    name: 'restore-vm',
    title: 'Restore a virtual machine from a snapshot',
    description:
      'Restores a stopped VM to one of its snapshots, replacing its current disks: changes made since the snapshot are lost. ' +
      'The VM must be stopped and the snapshot readyToUse; find snapshots with get-vm.',
    visibilityPermission,
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z => z.object({ ...vmRefInput(z), snapshot: z.string().min(1).describe('Name of the snapshot to restore'), dryRun: z.boolean().optional() }),
      output: z => z.object({ restore: z.string(), dryRun: z.boolean() }),
    },
    examples: [{ title: 'Roll back', input: { cluster: 'local-sim', namespace: 'payments', name: 'payments-db-0', snapshot: 'payments-db-0-pre-upgrade' } }],
    action: async ({ input, credentials }) => {
      const { snapshot, dryRun, ...ref } = input;
      const result = await writes.restore(ref, { snapshot, dryRun }, credentials);
      return { output: { restore: result.restore.name, dryRun: result.dryRun } };
    },
  });

  registry.register({
    name: 'delete-vm',
    title: 'Delete a virtual machine',
    description:
      'Deletes a VM together with its running instance and the DataVolumes it owns: its data is lost unless snapshotted. Ask the user to confirm the exact VM first. ' +
      'Set dryRun to check permission without deleting.',
    visibilityPermission,
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z => z.object({ ...vmRefInput(z), dryRun: z.boolean().optional() }),
      output: z => z.object({ accepted: z.boolean(), dryRun: z.boolean() }),
    },
    examples: [{ title: 'Check first', input: { cluster: 'local-sim', namespace: 'payments', name: 'payments-batch', dryRun: true } }],
    action: async ({ input, credentials }) => {
      const { dryRun, ...ref } = input;
      await vms.delete(ref, { dryRun }, credentials);
      return { output: { accepted: true, dryRun: !!dryRun } };
    },
  });
}
