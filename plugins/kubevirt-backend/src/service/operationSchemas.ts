import { multusNetworkProblem } from '@kubevirt-backstage/plugin-kubevirt-common';
import { z } from 'zod';
import { documented } from '../schema/registry';
import { dnsName, kubeName } from './schemas';

const dryRun = z.boolean().optional();
const QUANTITY = /^([0-9]+)(Mi|Gi|Ti)$/;

export const resizeDiskBody = z
  .object({
    size: z
      .string({ error: 'size is required' })
      .regex(QUANTITY, 'must be a size such as 40Gi (Mi, Gi or Ti)'),
    dryRun,
  })
  .strict();

export const addInterfaceBody = z
  .object({
    name: dnsName('name'),
    /** `pod` (the cluster network, at most one) or a Multus NetworkAttachmentDefinition as `name` or `namespace/name`. */
    network: z.union([
      z.literal('pod'),
      z
        .object({
          // kubevirt-common's one check of a Multus network reference
          multus: documented(
            z
              .string()
              .refine(
                value => multusNetworkProblem(value) === undefined,
                'must be <nad> or <namespace>/<nad>',
              ),
            {
              description:
                'A NetworkAttachmentDefinition: <nad> or <namespace>/<nad>.',
            },
          ),
        })
        .strict(),
    ]),
    binding: z.enum(['masquerade', 'bridge', 'sriov']),
    model: z.enum(['virtio', 'e1000e', 'e1000', 'rtl8139']).optional(),
    macAddress: z
      .string()
      .regex(
        /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/,
        'must be a MAC address such as 02:00:00:aa:bb:cc',
      )
      .optional(),
    dryRun,
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.network === 'pod' && v.binding === 'sriov')
      ctx.addIssue({
        code: 'custom',
        path: ['binding'],
        message: 'SR-IOV needs a Multus network, not the pod network',
      });
    if (v.network !== 'pod' && v.binding === 'masquerade')
      ctx.addIssue({
        code: 'custom',
        path: ['binding'],
        message:
          'masquerade works on the pod network only; use bridge or sriov on a Multus network',
      });
  });

export const hotplugResourcesBody = z
  .object({
    sockets: z.number().int().min(1).max(64).optional(),
    memory: z
      .string()
      .regex(/^[0-9]+(Mi|Gi)$/, 'must be a size such as 8Gi')
      .optional(),
    dryRun,
  })
  .strict()
  .refine(v => v.sockets !== undefined || v.memory !== undefined, {
    path: ['sockets'],
    message: 'give sockets, memory or both',
  });

export const saveAsSavedVmTemplateBody = z
  .object({
    name: dnsName('name'),
    displayName: z.string().max(100).optional(),
    description: z.string().max(1000).optional(),
    dryRun,
  })
  .strict();

export const createFromSavedVmTemplateBody = z
  .object({
    name: dnsName('name'),
    runStrategy: z
      .enum(['Always', 'Halted', 'Manual', 'RerunOnFailure', 'Once'])
      .optional(),
    dryRun,
  })
  .strict();

export const evacuateBody = z.object({ dryRun }).strict();

export const bulkBody = z
  .object({
    action: z.enum(['start', 'stop', 'restart', 'snapshot']),
    vms: z
      .array(
        z
          .object({
            cluster: kubeName('cluster'),
            namespace: kubeName('namespace'),
            name: kubeName('vm'),
          })
          .strict(),
      )
      .min(1, 'select at least one VM')
      .max(100, 'at most 100 VMs at once'),
    dryRun,
  })
  .strict();
