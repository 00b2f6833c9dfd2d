import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { BasicPermission } from '@backstage/plugin-permission-common';
import {
  KubernetesNameKind,
  kubernetesNameProblem,
  VmSummary,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import type { z as zod } from 'zod/v3';
import { VmServices } from '../service/createVmServices';

/** What each action's registration needs. */
export interface VmActionsContext {
  registry: ActionsRegistryService;
  services: VmServices;
  visibilityPermission?: BasicPermission;
}

// names are refused as input, before the service (which checks them again) is called
export const kubeName = (z: typeof zod, kind: KubernetesNameKind) =>
  z.string().superRefine((value, ctx) => {
    const problem = kubernetesNameProblem(kind, value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const vmRefInput = (z: typeof zod) => ({
  cluster: kubeName(z, 'cluster').describe(
    'Cluster name, as `list-vms` returns it (e.g. "local-sim")',
  ),
  namespace: kubeName(z, 'namespace').describe(
    'Kubernetes namespace of the VM',
  ),
  name: kubeName(z, 'vm').describe('Name of the VirtualMachine'),
});

export const summaryOutput = (z: typeof zod) =>
  z.object({
    cluster: z.string(),
    namespace: z.string(),
    name: z.string(),
    status: z
      .string()
      .describe(
        'KubeVirt printableStatus: Running, Stopped, Paused, Migrating, ErrorUnschedulable, ...',
      ),
    ready: z.boolean(),
    node: z.string().optional(),
    ipAddresses: z.array(z.string()),
    os: z.string().optional(),
    cpu: z.number().optional().describe('vCPUs'),
    memory: z.string().optional().describe('Guest memory, e.g. 4Gi'),
    instancetype: z.string().optional(),
    kubernetesId: z
      .string()
      .optional()
      .describe(
        'The catalog component the VM belongs to (backstage.io/kubernetes-id)',
      ),
    runStrategy: z.string().optional(),
    created: z.string().optional(),
    allowedOperations: z
      .array(z.string())
      .describe('What the caller may do on this VM'),
  });

export const toSummary = (s: VmSummary) => ({
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
