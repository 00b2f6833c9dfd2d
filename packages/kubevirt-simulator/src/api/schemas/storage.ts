import {
  arr,
  bool,
  int,
  kindSchema,
  obj,
  open,
  quantity,
  str,
  time,
  typedLocalObjectReference,
} from './dsl';

const readyStatus = (what: string, fields = {}) =>
  open(`Status of the ${what}.`, {
    phase: str(`Phase of the ${what}.`),
    readyToUse: bool(`Whether the ${what} can be used.`),
    creationTime: time(`When the ${what} was taken.`),
    conditions: arr('Conditions.', open('A condition.')),
    ...fields,
  });

export const virtualMachineSnapshot = kindSchema(
  'VirtualMachineSnapshot defines the operation of snapshotting a VM.',
  {
    spec: obj('Spec of the snapshot.', {
      source: typedLocalObjectReference('The VM to snapshot.'),
      deletionPolicy: str(
        'What happens to the content when the snapshot is deleted.',
        ['Delete', 'Retain'],
      ),
      failureDeadline: str(
        'How long the snapshot may take before it fails, e.g. 5m.',
      ),
    }),
    status: readyStatus('snapshot', {
      virtualMachineSnapshotContentName: str(
        'The content holding the snapshot.',
      ),
      indications: arr(
        'Online, GuestAgent, NoGuestAgent.',
        str('An indication.'),
      ),
    }),
  },
);

export const virtualMachineSnapshotContent = kindSchema(
  'VirtualMachineSnapshotContent contains the snapshot data.',
  {
    spec: open('Spec of the snapshot content.', {
      virtualMachineSnapshotName: str('The snapshot this content belongs to.'),
      source: open('The VM spec at the time of the snapshot.'),
      volumeBackups: arr(
        'Backups of the VM volumes.',
        open('A volume backup.'),
      ),
    }),
    status: readyStatus('snapshot content'),
  },
);

export const virtualMachineRestore = kindSchema(
  'VirtualMachineRestore defines the operation of restoring a VM.',
  {
    spec: obj('Spec of the restore.', {
      target: typedLocalObjectReference('The VM to restore.'),
      virtualMachineSnapshotName: str('The snapshot to restore from.'),
      patches: arr(
        'JSON patches applied to the restored VM.',
        str('A JSON patch.'),
      ),
      targetReadinessPolicy: str('What to do when the target is not ready.', [
        'FailImmediate',
        'StopTarget',
        'WaitGracePeriod',
        'WaitEventually',
      ]),
      volumeRestorePolicy: str('How restored volumes are named.', [
        'RandomizeNames',
        'InPlace',
      ]),
      volumeOwnershipPolicy: str('Who owns the restored volumes.', [
        'VM',
        'None',
      ]),
      volumeRestoreOverrides: arr(
        'Per-volume overrides.',
        open('An override.'),
      ),
    }),
    status: open('Status of the restore.', {
      complete: bool('Whether the restore is complete.'),
      restoreTime: time('When the restore completed.'),
      conditions: arr('Conditions.', open('A condition.')),
    }),
  },
);

export const virtualMachineClone = kindSchema(
  'VirtualMachineClone is a CRD that clones one VM into another.',
  {
    spec: obj('Spec of the clone.', {
      source: typedLocalObjectReference('The VM or snapshot to clone.'),
      target: typedLocalObjectReference(
        'The VM to create; a name is generated if omitted.',
      ),
      annotationFilters: arr(
        'Annotations to copy (wildcards, ! to exclude).',
        str('A filter.'),
      ),
      labelFilters: arr(
        'Labels to copy (wildcards, ! to exclude).',
        str('A filter.'),
      ),
      template: open('Filters for the template labels and annotations.'),
      newMacAddresses: open('New MAC addresses by interface name.'),
      newSMBiosSerial: str('New SMBIOS serial.'),
      patches: arr('JSON patches applied to the target.', str('A JSON patch.')),
      volumeNamePolicy: str('How cloned volumes are named.', [
        'RandomizeNames',
      ]),
    }),
    status: open('Status of the clone.', {
      phase: str('Phase of the clone.', [
        'SnapshotInProgress',
        'CreatingTargetVM',
        'RestoreInProgress',
        'Succeeded',
        'Failed',
        'Unknown',
      ]),
      targetName: str('Name of the created VM.'),
    }),
  },
);

const dataVolumeSource = open(
  'Where the data comes from: http, registry, pvc, snapshot, upload or blank.',
  {
    http: open('Import from a URL.', { url: str('URL of the image.') }),
    registry: open('Import from a container registry.', {
      url: str('docker:// URL of the image.'),
    }),
    pvc: open('Clone a PVC.', {
      name: str('Name of the PVC.'),
      namespace: str('Namespace of the PVC.'),
    }),
    snapshot: open('Restore a VolumeSnapshot.'),
    blank: open('An empty disk.'),
    upload: open('Wait for an upload.'),
  },
);

export const dataVolume = kindSchema(
  'DataVolume is an abstraction on top of PersistentVolumeClaims to allow easy population of those PVCs.',
  {
    spec: obj('Spec of the DataVolume.', {
      source: dataVolumeSource,
      sourceRef: obj('A DataSource to import from.', {
        kind: str('DataSource.', ['DataSource']),
        name: str('Name of the DataSource.'),
        namespace: str('Namespace of the DataSource.'),
      }),
      pvc: open('The PVC to create (exact spec).'),
      storage: open(
        'The storage to create (defaults filled in from the StorageClass).',
        {
          resources: open('Size of the volume.', {
            requests: open('e.g. storage: 30Gi.', {
              storage: quantity('Requested size.'),
            }),
          }),
          storageClassName: str('StorageClass of the volume.'),
          accessModes: arr(
            'Access modes.',
            str('ReadWriteOnce, ReadWriteMany, ...'),
          ),
          volumeMode: str('Filesystem or Block.', ['Filesystem', 'Block']),
        },
      ),
      priorityClassName: str('Priority class of the importer pod.'),
      contentType: str('kubevirt (a disk image) or archive.', [
        'kubevirt',
        'archive',
      ]),
      preallocation: bool('Preallocate the volume.'),
      checkpoints: arr(
        'Checkpoints of a multi-stage import.',
        open('A checkpoint.'),
      ),
      finalCheckpoint: bool('This is the last checkpoint.'),
    }),
    status: open('Status of the DataVolume.', {
      phase: str(
        'Phase of the DataVolume, e.g. ImportInProgress or Succeeded.',
      ),
      progress: str('Import progress, e.g. 45.00%.'),
      claimName: str('The PVC the DataVolume populates.'),
      conditions: arr('Conditions.', open('A condition.')),
    }),
  },
);

export const dataSource = kindSchema(
  'DataSource references an import/clone source for a DataVolume: a golden image.',
  {
    spec: obj('Spec of the DataSource.', {
      source: open('The PVC, snapshot or DataSource holding the image.', {
        pvc: open('A PVC.', {
          name: str('Name.'),
          namespace: str('Namespace.'),
        }),
        snapshot: open('A VolumeSnapshot.'),
      }),
    }),
    status: open('Status of the DataSource.', {
      conditions: arr('Conditions.', open('A condition.')),
      source: open('The resolved source.'),
    }),
  },
);

export const persistentVolumeClaim = kindSchema(
  "PersistentVolumeClaim is a user's request for and claim to a persistent volume.",
  {
    spec: open('Spec of the claim.', {
      accessModes: arr(
        'Access modes.',
        str('ReadWriteOnce, ReadWriteMany, ...'),
      ),
      resources: open('Requested size.', {
        requests: open('e.g. storage: 30Gi.', {
          storage: quantity('Requested size.'),
        }),
      }),
      storageClassName: str('StorageClass of the claim.'),
      volumeMode: str('Filesystem or Block.', ['Filesystem', 'Block']),
      volumeName: str('The bound PersistentVolume.'),
    }),
    status: open('Status of the claim.', {
      phase: str('Pending, Bound or Lost.', ['Pending', 'Bound', 'Lost']),
      capacity: open('Actual size.'),
    }),
  },
);

export const pod = kindSchema(
  'Pod is a collection of containers that can run on a host; here, virt-launcher pods.',
  {
    spec: open('Spec of the pod.', {
      nodeName: str('The node the pod is bound to.'),
      containers: arr(
        'Containers of the pod.',
        open('A container.', {
          name: str('Name of the container.'),
          image: str('Image of the container.'),
        }),
      ),
      volumes: arr('Volumes of the pod.', open('A volume.')),
      priorityClassName: str('Priority class of the pod.'),
      terminationGracePeriodSeconds: int(
        'Grace period before the pod is killed.',
      ),
    }),
    status: open('Status of the pod.', {
      phase: str('Pending, Running, Succeeded, Failed or Unknown.'),
      podIP: str('IP of the pod.'),
      hostIP: str('IP of the node.'),
    }),
  },
);
