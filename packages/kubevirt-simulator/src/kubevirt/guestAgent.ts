import { createHash } from 'node:crypto';
import { KubeObject, Store } from '../store/store';
import { resourceTypeOfKind } from '../store/resources';
import { runningSince } from './vmiFacts';

/**
 * A VM (or VMI) annotated `absent` has no QEMU guest agent in its guest: its
 * instance never gets the AgentConnected condition, as with an image that
 * ships without qemu-guest-agent.
 */
export const GUEST_AGENT_ANNOTATION = 'simulator.kubevirt.io/guest-agent';

const vmType = resourceTypeOfKind('VirtualMachine');
const vmiType = resourceTypeOfKind('VirtualMachineInstance');

/** The guest-agent subresources virt-api serves with GET (verb get in KubeVirt's roles). */
export const guestAgentSubresources = [
  'guestosinfo',
  'userlist',
  'filesystemlist',
] as const;
export type GuestAgentSubresource = (typeof guestAgentSubresources)[number];

export function isGuestAgentSubresource(
  sub: string,
): sub is GuestAgentSubresource {
  return (guestAgentSubresources as readonly string[]).includes(sub);
}

/**
 * What virt-api answers for these subresources when it cannot ask the agent:
 * it writes the StatusError with go-restful's WriteError, so the answer is
 * HTTP 500 with the error's message as plain text, whatever the error was
 * (rest/subresource.go GuestOSInfo/UserList/FilesystemList).
 */
export class GuestAgentError extends Error {}

const notRunning = (name: string) =>
  new GuestAgentError(
    `Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "${name}": VMI is not running`,
  );

/** Whether a guest agent would run in this instance's guest. */
export function hasGuestAgent(vmi: KubeObject, vm?: KubeObject) {
  return (
    vmi.metadata.annotations?.[GUEST_AGENT_ANNOTATION] !== 'absent' &&
    vm?.metadata.annotations?.[GUEST_AGENT_ANNOTATION] !== 'absent'
  );
}

// stable per VMI: the same guest reports the same numbers on every call
function seeded(vmi: KubeObject) {
  const hash = createHash('sha256')
    .update(vmi.metadata.uid ?? vmi.metadata.name)
    .digest();
  return (i: number) => hash[i % hash.length] / 255;
}

// what each demo image's installer chose, and the user its cloud-init creates
const rootFileSystem: Record<string, string> = {
  ubuntu: 'ext4',
  fedora: 'btrfs',
};
const defaultUser: Record<string, string> = {
  ubuntu: 'ubuntu',
  fedora: 'fedora',
};

// the simulator's demo images are 30 GiB cloud disks
const ROOT_DISK_BYTES = 30 * 1024 ** 3;

function fileSystems(vmi: KubeObject) {
  const r = seeded(vmi);
  const osId: string = vmi.status?.guestOSInfo?.id ?? 'fedora';
  const rootType = rootFileSystem[osId] ?? 'xfs';
  const total = ROOT_DISK_BYTES;
  const boot = 1024 ** 3;
  const items = [
    {
      diskName: 'vda4',
      mountPoint: '/',
      fileSystemType: rootType,
      usedBytes: Math.round(total * (0.18 + 0.5 * r(0))),
      totalBytes: total,
      disk: [{ busType: 'virtio', serial: 'rootdisk' }],
    },
    {
      diskName: 'vda3',
      mountPoint: '/boot',
      fileSystemType: rootType === 'btrfs' ? 'ext4' : rootType,
      usedBytes: Math.round(boot * (0.2 + 0.3 * r(1))),
      totalBytes: boot,
      disk: [{ busType: 'virtio', serial: 'rootdisk' }],
    },
  ];
  return items;
}

function users(vmi: KubeObject) {
  const osId: string = vmi.status?.guestOSInfo?.id ?? 'fedora';
  const since = runningSince(vmi) ?? Date.now();
  // cloud images log their default user in through cloud-init's first SSH session
  const user = defaultUser[osId] ?? 'cloud-user';
  return [{ userName: user, loginTime: Math.floor(since / 1000) + 42.5 }];
}

/** The answer of one guest-agent subresource, or the error virt-api would write. */
export function guestAgentAnswer(
  store: Store,
  namespace: string,
  name: string,
  sub: GuestAgentSubresource,
): object {
  const vmi = store.get(vmiType, namespace, name);
  const vm = store.get(vmType, namespace, name);
  if (!vmi)
    throw new GuestAgentError(
      `virtualmachineinstance.kubevirt.io "${name}" not found`,
    );
  if (vmi.status?.phase !== 'Running') throw notRunning(name);
  // condManager.HasCondition: the condition's presence, whatever its status
  if (
    !(vmi.status?.conditions ?? []).some(
      (c: { type: string }) => c.type === 'AgentConnected',
    ) ||
    !hasGuestAgent(vmi, vm)
  ) {
    throw new GuestAgentError(
      `Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "${name}": VMI does not have guest agent connected`,
    );
  }
  const os = vmi.status?.guestOSInfo ?? {};
  switch (sub) {
    case 'userlist':
      return { metadata: {}, items: users(vmi) };
    case 'filesystemlist':
      return { metadata: {}, items: fileSystems(vmi) };
    default:
      return {
        guestAgentVersion: '9.0.0',
        supportedCommands: [
          'guest-get-fsinfo',
          'guest-get-host-name',
          'guest-get-osinfo',
          'guest-get-timezone',
          'guest-get-users',
          'guest-ping',
        ].map(command => ({ name: command, enabled: true })),
        hostname: vmi.spec?.hostname ?? vmi.metadata.name,
        os: {
          name: os.name,
          kernelRelease: os.kernelRelease,
          version: os.version,
          prettyName: os.prettyName,
          versionId: os.versionId,
          kernelVersion: os.kernelVersion,
          machine: os.machine,
          id: os.id,
        },
        // virt-launcher formats it as "<zone>, <offset in seconds>"
        timezone: 'UTC, 0',
        userList: users(vmi),
        fsInfo: { disks: fileSystems(vmi) },
        fsFreezeStatus: 'thawed',
      };
  }
}
