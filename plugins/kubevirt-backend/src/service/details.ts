import {
  VmLauncherPod,
  VmMigrationInfo,
  VmRestoreInfo,
  VmSnapshotInfo,
  VmVolume,
  VmVolumeSourceType,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubeObject } from '../cache/ResourceCache';

const finishedMigration = ['Succeeded', 'Failed'];

const failure = (obj: KubeObject) =>
  (obj.status?.conditions ?? []).find(
    (c: { type: string; status: string }) =>
      c.type === 'Failure' && c.status === 'True',
  );

export function snapshotInfo(s: KubeObject): VmSnapshotInfo {
  const failed = failure(s);
  const error = failed
    ? failed.message ?? failed.reason
    : s.status?.error?.message;
  return {
    name: s.metadata.name,
    phase: s.status?.phase,
    readyToUse: !!s.status?.readyToUse,
    creationTime: s.status?.creationTime ?? undefined,
    indications: s.status?.indications ?? [],
    ...(error ? { error } : {}),
  };
}

export function restoreInfo(r: KubeObject): VmRestoreInfo {
  const waiting = (r.status?.conditions ?? []).find(
    (c: { status: string; type: string }) =>
      c.status !== 'True' || c.type === 'Failure',
  );
  return {
    name: r.metadata.name,
    snapshot: r.spec?.virtualMachineSnapshotName,
    complete: !!r.status?.complete,
    restoreTime: r.status?.restoreTime,
    ...(waiting && !r.status?.complete
      ? { reason: waiting.reason, message: waiting.message }
      : {}),
  };
}

export function migrationInfo(
  m: KubeObject,
  vmi?: KubeObject,
): VmMigrationInfo {
  const state =
    vmi?.status?.migrationState?.migrationUid === m.metadata.uid
      ? vmi?.status?.migrationState
      : undefined;
  return {
    name: m.metadata.name,
    phase: m.status?.phase,
    sourceNode: state?.sourceNode ?? m.status?.migrationState?.sourceNode,
    targetNode: state?.targetNode ?? m.status?.migrationState?.targetNode,
    created: m.metadata.creationTimestamp as string | undefined,
    active:
      !m.metadata.deletionTimestamp &&
      !finishedMigration.includes(m.status?.phase),
  };
}

/** The migration still in flight for a VM, if any: what cancelMigration deletes. */
export function activeMigration(migrations: KubeObject[]) {
  return migrations.find(
    m =>
      !m.metadata.deletionTimestamp &&
      !finishedMigration.includes(m.status?.phase),
  );
}

export function launcherPodInfo(p: KubeObject): VmLauncherPod {
  return {
    name: p.metadata.name,
    phase: p.status?.phase,
    node: p.spec?.nodeName,
    created: p.metadata.creationTimestamp as string | undefined,
  };
}

const sourceTypes: VmVolumeSourceType[] = [
  'dataVolume',
  'persistentVolumeClaim',
  'containerDisk',
  'cloudInitNoCloud',
  'cloudInitConfigDrive',
  'ephemeral',
  'emptyDisk',
];

/**
 * A VM's volumes with the disk each backs and where its data comes from;
 * DataVolumes carry their import progress, hot-plugged volumes say so (from
 * the spec's `hotpluggable` or the instance's volume status).
 */
export function volumesOf(
  vm: KubeObject,
  vmi: KubeObject | undefined,
  dataVolume: (name: string) => KubeObject | undefined,
): VmVolume[] {
  const spec = vm.spec?.template?.spec ?? {};
  const disks: any[] = spec.domain?.devices?.disks ?? [];
  const hotplugStatus = new Set<string>(
    (vmi?.status?.volumeStatus ?? [])
      .filter((v: { hotplugVolume?: unknown }) => v.hotplugVolume)
      .map((v: { name: string }) => v.name),
  );
  const templates = new Map<string, KubeObject>(
    (vm.spec?.dataVolumeTemplates ?? []).map((t: KubeObject) => [
      t.metadata.name,
      t,
    ]),
  );
  return (spec.volumes ?? []).map((v: any): VmVolume => {
    const sourceType = sourceTypes.find(t => v[t]) ?? 'other';
    const body = v[sourceType] ?? {};
    const source: string | undefined =
      body.name ?? body.claimName ?? body.image;
    const disk = disks.find(d => d.name === v.name);
    const deviceType =
      disk && (['disk', 'cdrom', 'lun'] as const).find(t => disk[t]);
    const volume: VmVolume = {
      name: v.name,
      sourceType,
      ...(source ? { source } : {}),
      hotplugged: !!body.hotpluggable || hotplugStatus.has(v.name),
      ...(deviceType
        ? {
            device: {
              type: deviceType,
              ...(disk[deviceType].bus ? { bus: disk[deviceType].bus } : {}),
            },
          }
        : {}),
    };
    if (sourceType === 'dataVolume' && source) {
      const dv = dataVolume(source);
      const storage = (dv ?? templates.get(source))?.spec;
      const size =
        storage?.storage?.resources?.requests?.storage ??
        storage?.pvc?.resources?.requests?.storage;
      if (size) volume.size = size;
      if (dv) {
        volume.dataVolume = {
          phase: dv.status?.phase,
          progress: dv.status?.progress,
          ready: dv.status?.phase === 'Succeeded',
        };
      }
    }
    if (sourceType === 'emptyDisk' && body.capacity)
      volume.size = body.capacity;
    return volume;
  });
}
