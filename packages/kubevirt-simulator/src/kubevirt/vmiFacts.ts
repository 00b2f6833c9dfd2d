import { GuestInfo } from '../console/guestShell';
import { KubeObject } from '../store/store';

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** A Kubernetes resource quantity ("2Gi", "512M", "1.5") in base units; undefined if it does not parse. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  const m =
    typeof q === 'string'
      ? /^(\d+(?:\.\d+)?)([kMGT]i?)?$/.exec(q.trim())
      : null;
  if (!m || UNITS[m[2] ?? ''] === undefined) return undefined;
  return Number(m[1]) * UNITS[m[2] ?? ''];
}

const FALLBACK_OS = {
  id: 'fedora',
  name: 'Fedora Linux',
  prettyName: 'Fedora Linux 41 (Cloud Edition)',
  version: '41',
  versionId: '41',
  kernelRelease: '6.11.4-301.fc41.x86_64',
};

export function vcpusOf(vmi: KubeObject): number {
  const cpu = vmi.spec?.domain?.cpu ?? {};
  const n = (cpu.sockets ?? 1) * (cpu.cores ?? 1) * (cpu.threads ?? 1);
  return Number.isFinite(n) && n > 0 ? n : 1;
}

export function memoryBytesOf(vmi: KubeObject): number {
  const domain = vmi.spec?.domain ?? {};
  return (
    parseQuantity(domain.memory?.guest) ??
    parseQuantity(domain.resources?.requests?.memory) ??
    2 * 1024 ** 3
  );
}

/** When the VMI reached Running (ms since the epoch), or undefined. */
export function runningSince(vmi: KubeObject): number | undefined {
  const entry = [...(vmi.status?.phaseTransitionTimestamps ?? [])]
    .reverse()
    .find((p: { phase: string }) => p.phase === 'Running');
  const t = entry ? Date.parse(entry.phaseTransitionTimestamp) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

/** What the guest sees of itself, from its VMI's spec and status. */
export function guestInfoOf(vmi: KubeObject): GuestInfo {
  const os = vmi.status?.guestOSInfo?.prettyName
    ? vmi.status.guestOSInfo
    : FALLBACK_OS;
  const iface = vmi.status?.interfaces?.[0];
  return {
    name: vmi.metadata.name,
    os: {
      id: os.id,
      name: os.name,
      prettyName: os.prettyName,
      version: os.version,
      versionId: os.versionId,
      kernelRelease: os.kernelRelease,
    },
    ip: iface?.ipAddress,
    mac: iface?.mac,
    bootTime: runningSince(vmi) ?? Date.now(),
    vcpus: vcpusOf(vmi),
    memoryBytes: memoryBytesOf(vmi),
  };
}
