import {
  ClusterCapabilities,
  ClusterStatus,
} from '@kubevirt-backstage/plugin-kubevirt-common';

export type ClusterHealthLevel = 'ok' | 'pending' | 'warning' | 'error';

/** Whether the broker reaches a cluster and is let in, in one line, from what GET /clusters says. */
export function clusterHealth(c: ClusterStatus): {
  level: ClusterHealthLevel;
  text: string;
} {
  if (c.problem) return { level: 'error', text: 'Not usable as configured' };
  if (c.error && /answered 401|credentials/i.test(c.error))
    return { level: 'error', text: 'Credentials refused' };
  if (c.error && /unreachable/i.test(c.error))
    return { level: 'error', text: 'Unreachable' };
  if (c.state === 'stale') return { level: 'warning', text: 'Not answering' };
  if (c.error) return { level: 'warning', text: 'Reachable, with errors' };
  if (c.state === 'not-synced') return { level: 'pending', text: 'Connecting' };
  return { level: 'ok', text: 'Reachable, credentials accepted' };
}

/** The sync state in words, with the VM count once synced. */
export function syncText(c: ClusterStatus): string {
  if (c.state === 'synced')
    return `Synced${c.vmCount !== undefined ? ` (${c.vmCount} VMs)` : ''}`;
  if (c.state === 'stale')
    return `Stale since ${
      c.staleSince
        ? new Date(c.staleSince).toLocaleTimeString()
        : 'its last sync'
    }`;
  return 'Not synced';
}

/** The optional parts and capabilities a cluster has, then those it lacks, each by the name a VM owner knows. */
export function capabilityList(c: ClusterCapabilities): {
  name: string;
  on: boolean;
}[] {
  return [
    { name: 'CDI', on: c.cdi },
    { name: 'Instancetypes', on: c.instancetypes },
    { name: 'Snapshots', on: c.snapshots },
    { name: 'Live migration', on: c.liveMigration },
    { name: 'Disk hot-plug', on: c.hotplugVolumes },
    { name: 'Disk expansion', on: c.expandDisks },
    { name: 'NIC hot-plug', on: c.hotplugNics },
    { name: 'CPU/memory hot-plug', on: c.cpuMemoryHotplug },
    { name: 'Metrics', on: c.metrics },
  ];
}
