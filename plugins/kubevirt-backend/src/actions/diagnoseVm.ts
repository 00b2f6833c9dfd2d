import { VmActionsContext, vmRefInput } from './shared';

/** The `diagnose-vm` action: what the VM's guest agent reports. */
export function registerDiagnoseVm({
  registry,
  services,
  visibilityPermission,
}: VmActionsContext) {
  registry.register({
    name: 'diagnose-vm',
    title: "Read a virtual machine's guest diagnostics",
    description:
      'Returns what the QEMU guest agent inside a running KubeVirt VM reports: hostname, OS and kernel, timezone, the users logged in, and each mounted file system with its used and total bytes. ' +
      'When the agent cannot answer, `agent` is not-connected (agent not installed or guest still booting) or not-running, and `reason` says why. ' +
      'Use it to check disk space, who is logged in, or which OS and kernel a VM runs.',
    visibilityPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object(vmRefInput(z)),
      output: z =>
        z.object({
          agent: z.enum(['connected', 'not-connected', 'not-running']),
          reason: z.string().optional(),
          hostname: z.string().optional(),
          os: z
            .string()
            .optional()
            .describe('Pretty name, e.g. Fedora Linux 41'),
          kernel: z.string().optional(),
          timezone: z.string().optional(),
          users: z.array(
            z.object({
              userName: z.string(),
              loginTime: z.string().optional(),
            }),
          ),
          filesystems: z.array(
            z.object({
              mountPoint: z.string(),
              fileSystemType: z.string(),
              usedBytes: z.number(),
              totalBytes: z.number(),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'Disk usage of a database VM',
        input: {
          cluster: 'local-sim',
          namespace: 'payments',
          name: 'payments-db-0',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const d = await services.diagnostics.diagnostics(input, credentials);
      return {
        output: {
          agent: d.agent,
          reason: d.reason,
          hostname: d.hostname,
          os: d.os?.prettyName ?? d.os?.name,
          kernel: d.os?.kernelRelease,
          timezone: d.timezone,
          users: d.users.map(u => ({
            userName: u.userName,
            loginTime: u.loginTime,
          })),
          filesystems: d.filesystems.map(f => ({
            mountPoint: f.mountPoint,
            fileSystemType: f.fileSystemType,
            usedBytes: f.usedBytes,
            totalBytes: f.totalBytes,
          })),
        },
      };
    },
  });
}
