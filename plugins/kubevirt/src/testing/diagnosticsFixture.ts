import { VmGuestDiagnostics } from '@kubevirt-backstage/plugin-kubevirt-common';

/** What the broker answers for a running guest with an agent, or for a VM that does not run. */
export function diagnosticsFixture(running: boolean): VmGuestDiagnostics {
  if (!running)
    return {
      agent: 'not-running',
      reason:
        'The VM is not running (Stopped): only a running guest can report.',
      users: [],
      filesystems: [],
    };
  return {
    agent: 'connected',
    guestAgentVersion: '9.0.0',
    hostname: 'db-0.payments',
    os: {
      id: 'fedora',
      name: 'Fedora Linux',
      prettyName: 'Fedora Linux 41 (Cloud Edition)',
      kernelRelease: '6.11.4-301.fc41.x86_64',
      kernelVersion: '#1 SMP PREEMPT_DYNAMIC',
      machine: 'x86_64',
    },
    timezone: 'Europe/Berlin, 3600',
    users: [{ userName: 'fedora', loginTime: '2026-12-03T08:00:00.000Z' }],
    filesystems: [
      {
        diskName: 'vda4',
        mountPoint: '/',
        fileSystemType: 'btrfs',
        usedBytes: 29 * 1024 ** 3,
        totalBytes: 30 * 1024 ** 3,
      },
      {
        diskName: 'vda3',
        mountPoint: '/boot',
        fileSystemType: 'ext4',
        usedBytes: 256 * 1024 ** 2,
        totalBytes: 1024 ** 3,
      },
    ],
  };
}
