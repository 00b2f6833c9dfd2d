import { InputError } from '@backstage/errors';
import {
  isKubernetesName,
  KubernetesNameKind,
  kubernetesNameKinds,
  kubernetesNameProblem,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { z } from 'zod';
import { documented } from '../schema/registry';

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const SSH_KEY =
  /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
const QUANTITY = /^([0-9]+)(Ki|Mi|Gi|Ti)$/;

const units: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Bytes of a binary-suffixed quantity such as "30Gi". */
export function bytesOf(quantity: string): number {
  const m = quantity.match(QUANTITY);
  return m ? Number(m[1]) * units[m[2]] : NaN;
}

/** The largest disk a form may ask for; bigger ones go through a manifest. */
const MAX_DISK_BYTES = 4 * 2 ** 40;
const MIN_DISK_BYTES = 2 ** 30;

export const dnsName = (what: string) =>
  documented(
    z
      .string({ error: `${what} is required` })
      .max(63, `${what} must be at most 63 characters`)
      // an RFC 1123 label (a new VM's name becomes its hostname), by the one check in kubevirt-common
      .refine(
        value => isKubernetesName('newVm', value),
        `${what} must be lower case letters, digits and '-', starting and ending with a letter or digit (RFC 1123)`,
      ),
    { pattern: kubernetesNameKinds.newVm.pattern.source },
  );

/** A name of this kind (cluster, namespace, snapshot, ...), as Kubernetes validates it. */
export const kubeName = (kind: KubernetesNameKind) =>
  documented(
    z.string({ error: 'is required' }).superRefine((value, ctx) => {
      const problem = kubernetesNameProblem(kind, value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    {
      pattern: kubernetesNameKinds[kind].pattern.source,
      maxLength: kubernetesNameKinds[kind].maxLength,
    },
  );

const diskSize = z
  .string()
  .regex(QUANTITY, 'must be a size such as 30Gi (Mi, Gi or Ti)')
  .refine(
    s => bytesOf(s) >= MIN_DISK_BYTES && bytesOf(s) <= MAX_DISK_BYTES,
    'must be between 1Gi and 4Ti',
  );

const labels = z.record(z.string(), z.string()).superRefine((value, ctx) => {
  for (const [k, v] of Object.entries(value)) {
    if (!LABEL_KEY.test(k))
      ctx.addIssue({
        code: 'custom',
        path: [k],
        message: 'is not a valid label key',
      });
    if (v.length > 63 || !LABEL_VALUE.test(v))
      ctx.addIssue({
        code: 'custom',
        path: [k],
        message:
          'is not a valid label value (at most 63 letters, digits, -, _ or .)',
      });
  }
});

const dryRun = z.boolean().optional();

export const createFromChoices = z
  .object({
    cluster: kubeName('cluster'),
    namespace: dnsName('namespace'),
    name: dnsName('name'),
    instancetype: kubeName('instancetype').optional(),
    resources: z
      .object({
        cpu: z.number().int().min(1).max(64),
        memory: z
          .string()
          .regex(/^[0-9]+(Mi|Gi)$/, 'must be a size such as 4Gi')
          .refine(
            s => bytesOf(s) >= 128 * 2 ** 20 && bytesOf(s) <= 512 * 2 ** 30,
            'must be between 128Mi and 512Gi',
          ),
      })
      .strict()
      .optional(),
    preference: kubeName('preference').optional(),
    image: z.union([
      z
        .object({
          goldenImage: z
            .object({
              name: kubeName('dataSource'),
              namespace: kubeName('namespace'),
            })
            .strict(),
        })
        .strict(),
      z
        .object({
          containerDisk: z
            .string()
            .min(1)
            .regex(/^[^\s]+$/, 'must be an image reference'),
        })
        .strict(),
    ]),
    diskSize: diskSize.optional(),
    cloudInitUserData: z
      .string()
      .max(32 * 1024, 'must be at most 32 KiB')
      .optional(),
    sshPublicKey: z
      .string()
      .trim()
      .regex(
        SSH_KEY,
        'must be one OpenSSH public key (ssh-ed25519 AAAA... comment)',
      )
      .optional(),
    labels: labels.optional(),
    runStrategy: z
      .enum(['Always', 'Halted', 'Manual', 'RerunOnFailure', 'Once'])
      .optional(),
    dryRun,
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.instancetype === !v.resources) {
      ctx.addIssue({
        code: 'custom',
        path: ['instancetype'],
        message:
          'give either instancetype or resources { cpu, memory }, not both or neither',
      });
    }
    if (v.diskSize && 'containerDisk' in v.image) {
      ctx.addIssue({
        code: 'custom',
        path: ['diskSize'],
        message:
          'applies to golden images only; a container disk has the size of its image',
      });
    }
  });

export const createFromManifest = z
  .object({
    cluster: kubeName('cluster'),
    manifest: z
      .object({
        apiVersion: z.literal('kubevirt.io/v1'),
        kind: z.literal('VirtualMachine'),
        metadata: z
          .object({
            name: dnsName('manifest.metadata.name'),
            namespace: dnsName('manifest.metadata.namespace'),
            labels: labels.optional(),
          })
          .passthrough(),
        spec: z.object({}).passthrough(),
      })
      .passthrough(),
    dryRun,
  })
  .strict();

export const updateBody = z
  .object({
    manifest: z
      .object({
        apiVersion: z.literal('kubevirt.io/v1'),
        kind: z.literal('VirtualMachine'),
        metadata: z
          .object({
            name: z.string(),
            namespace: z.string(),
            resourceVersion: z
              .string({
                error:
                  'metadata.resourceVersion is required: send the object as you read it',
              })
              .min(1),
            labels: labels.optional(),
          })
          .passthrough(),
        spec: z.object({}).passthrough(),
      })
      .passthrough(),
    dryRun,
  })
  .strict();

export const snapshotBody = z
  .object({ name: dnsName('name').optional(), dryRun })
  .strict();
export const restoreBody = z
  .object({
    snapshot: kubeName('snapshot'),
    name: dnsName('name').optional(),
    dryRun,
  })
  .strict();
export const cloneBody = z
  .object({ targetName: dnsName('targetName'), dryRun })
  .strict();
export const addVolumeBody = z
  .object({
    name: dnsName('name'),
    size: diskSize.optional(),
    pvc: kubeName('claim').optional(),
    bus: z.enum(['scsi', 'virtio', 'sata']).optional(),
    dryRun,
  })
  .strict()
  .refine(v => !v.size !== !v.pvc, {
    path: ['size'],
    message: 'give either size (a new disk) or pvc (an existing claim)',
  });
export const dryRunBody = z.object({ dryRun }).strict();

/** Parses or throws a 400 naming each field that is wrong. */
export function parseInput<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what = 'request body',
): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new InputError(
      `Invalid ${what}: ${result.error.issues
        .map(i => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return result.data;
}
