import {
  arr,
  bool,
  int,
  kindSchema,
  localObjectReference,
  obj,
  open,
  quantity,
  Schema,
  str,
  stringMap,
  time,
} from './dsl';

const matcher = (what: string) =>
  obj(`${what} to apply. Either kind is inferred or given.`, {
    name: str(`Name of the ${what}.`),
    kind: str(
      `Kind of the ${what}: the cluster-wide kind or the namespaced one.`,
    ),
    revisionName: str(
      `The ControllerRevision holding the ${what} the VM was started with.`,
    ),
    inferFromVolume: str(`Volume to infer the ${what} from.`),
    inferFromVolumeFailurePolicy: str('What to do when inference fails.', [
      'Reject',
      'Ignore',
    ]),
  });

const disk = open('A disk, cdrom or lun attached to the guest.', {
  name: str('Name of the device; must match the name of a volume.'),
  disk: open('Attach the volume as a disk.', {
    bus: str('Bus type of the disk.', ['virtio', 'sata', 'scsi', 'usb']),
  }),
  cdrom: open('Attach the volume as a cdrom.'),
  lun: open('Attach the volume as a LUN.'),
  bootOrder: int(
    'The order in which the guest tries to boot from this disk; 1 first.',
  ),
  serial: str('Serial number of the disk.'),
});

const domain = open(
  'Specification of the desired behavior of the VirtualMachineInstance on the host.',
  {
    cpu: open('CPU allotted to the guest.', {
      cores: int('Number of cores inside the guest.'),
      sockets: int('Number of sockets inside the guest.'),
      threads: int('Number of threads inside the guest.'),
      maxSockets: int('Maximum number of sockets for CPU hot-plug.'),
      model: str('CPU model, e.g. host-passthrough or host-model.'),
      dedicatedCpuPlacement: bool('Pin each vCPU to a dedicated physical CPU.'),
    }),
    memory: open('Memory allotted to the guest.', {
      guest: quantity('Memory visible to the guest.'),
      maxGuest: quantity('Maximum guest memory for memory hot-plug.'),
      hugepages: open('Hugepages backing the guest memory.'),
    }),
    resources: open('Resource requests and limits of the virt-launcher pod.', {
      requests: open('Requested resources (cpu, memory).'),
      limits: open('Resource limits (cpu, memory).'),
      overcommitGuestOverhead: bool(
        'Do not add the overhead to the pod memory request.',
      ),
    }),
    devices: open(
      'Devices of the guest: disks, interfaces, inputs, GPUs, ...',
      {
        disks: arr('Disks, cdroms and LUNs of the guest.', disk),
        interfaces: arr(
          'Network interfaces of the guest.',
          open('A network interface; its name matches a network.', {
            name: str('Logical name of the interface; must match a network.'),
            masquerade: open('Connect through NAT (the pod network default).'),
            bridge: open('Connect through a bridge.'),
            sriov: open('Connect through SR-IOV.'),
            model: str('Interface model, e.g. virtio or e1000.'),
            macAddress: str('MAC address of the interface.'),
            state: str('down or absent: hot-unplug the interface.', [
              'up',
              'down',
              'absent',
            ]),
          }),
        ),
        autoattachGraphicsDevice: bool(
          'Attach a graphics device (VNC) by default; true unless set.',
        ),
        autoattachSerialConsole: bool(
          'Attach a serial console by default; true unless set.',
        ),
        networkInterfaceMultiqueue: bool('Enable multi-queue virtio-net.'),
      },
    ),
    machine: open('Machine type of the guest.', {
      type: str('QEMU machine type, e.g. q35.'),
    }),
    firmware: open('Firmware of the guest: BIOS or EFI, serial, UUID.'),
    features: open('Features of the guest: ACPI, APIC, SMM, Hyper-V, ...'),
    clock: open('Clock of the guest.'),
  },
);

const volume = open(
  'A volume the guest can use through a disk of the same name.',
  {
    name: str('Name of the volume; must match a disk.'),
    containerDisk: open('A container image holding the disk image.', {
      image: str('The image holding the disk.'),
    }),
    dataVolume: open('A DataVolume (CDI) backing the disk.', {
      name: str('Name of the DataVolume.'),
      hotpluggable: bool('The volume can be hot-plugged.'),
    }),
    persistentVolumeClaim: open('A PVC backing the disk.', {
      claimName: str('Name of the PVC.'),
      hotpluggable: bool('The volume can be hot-plugged.'),
    }),
    cloudInitNoCloud: open('cloud-init NoCloud data source.', {
      userData: str('cloud-init user data, inline.'),
      userDataBase64: str('cloud-init user data, base64 encoded.'),
      secretRef: localObjectReference('A Secret holding the user data.'),
      networkData: str('cloud-init network data, inline.'),
    }),
    cloudInitConfigDrive: open('cloud-init ConfigDrive data source.'),
    secret: open('A Secret as a disk.'),
    configMap: open('A ConfigMap as a disk.'),
    emptyDisk: open('A temporary disk that is discarded when the VM stops.', {
      capacity: quantity('Size of the disk.'),
    }),
  },
);

/** VirtualMachineInstanceSpec: its own fields are checked, deeper structures documented but open. */
export const vmiSpec = obj(
  'Specification of the desired behavior of the VirtualMachineInstance.',
  {
    priorityClassName: str("The pod's priority class."),
    domain,
    nodeSelector: stringMap(
      "Selector which must match a node's labels for the VMI to be scheduled on that node.",
    ),
    affinity: open('Affinity rules of the VMI.'),
    schedulerName: str('The scheduler that places the VMI.'),
    tolerations: arr('Tolerations of the VMI.', open('A toleration.')),
    topologySpreadConstraints: arr(
      'How VMIs spread across topology domains.',
      open('A constraint.'),
    ),
    evictionStrategy: str('What happens on a node drain.', [
      'None',
      'LiveMigrate',
      'LiveMigrateIfPossible',
      'External',
    ]),
    startStrategy: str('Paused: start the VM paused.', ['Paused']),
    terminationGracePeriodSeconds: int(
      'Grace period after signalling the guest to stop, before it is force terminated.',
    ),
    volumes: arr('Volumes that disks of the VMI can mount.', volume),
    livenessProbe: open('Periodic probe of the VMI liveness.'),
    readinessProbe: open('Periodic probe of the VMI readiness.'),
    hostname: str('Hostname of the VMI.'),
    subdomain: str('Subdomain of the VMI.'),
    networks: arr(
      'Networks the interfaces of the VMI attach to.',
      open('A network.', {
        name: str('Name of the network; must match an interface.'),
        pod: open('The pod network.'),
        multus: open('A Multus network.'),
      }),
    ),
    dnsPolicy: str('DNS policy of the pod.', [
      'ClusterFirstWithHostNet',
      'ClusterFirst',
      'Default',
      'None',
    ]),
    dnsConfig: open('DNS parameters of the pod.'),
    accessCredentials: arr(
      'Public keys or passwords to inject into the guest.',
      open('An access credential.', {
        sshPublicKey: open(
          'SSH public keys from a Secret, with a propagation method.',
        ),
        userPassword: open('User passwords from a Secret.'),
      }),
    ),
    architecture: str('Architecture of the guest, e.g. amd64.'),
    resourceClaims: arr(
      'Dynamic resource allocation claims.',
      open('A resource claim.'),
    ),
  },
);

const condition = open('A condition of the object.', {
  type: str('Type of the condition, e.g. Ready.'),
  status: str('True, False or Unknown.', ['True', 'False', 'Unknown']),
  reason: str('A machine-readable reason for the last transition.'),
  message: str('A human-readable message about the last transition.'),
  lastTransitionTime: time('When the condition last changed.'),
  lastProbeTime: time('When the condition was last probed.'),
});

export const virtualMachine = kindSchema(
  'VirtualMachine handles the VirtualMachineInstances that are supposed to be running.',
  {
    spec: obj(
      'Spec contains the specification of the VirtualMachineInstance created.',
      {
        running: bool(
          'Deprecated: use runStrategy. Mutually exclusive with runStrategy.',
        ),
        runStrategy: str(
          'When the VMI runs: Always, RerunOnFailure, Manual, Halted, Once or WaitAsReceiver.',
          [
            'Always',
            'RerunOnFailure',
            'Manual',
            'Halted',
            'Once',
            'WaitAsReceiver',
          ],
        ),
        instancetype: matcher('instancetype'),
        preference: matcher('preference'),
        template: obj(
          'Template is the direct specification of the VirtualMachineInstance.',
          {
            metadata: open('Metadata of the VMIs created from this template.', {
              labels: stringMap('Labels of the VMI.'),
              annotations: stringMap('Annotations of the VMI.'),
            }),
            spec: vmiSpec,
          },
        ),
        dataVolumeTemplates: arr(
          'DataVolumes created with the VM and owned by it.',
          open('A DataVolume template.', {
            metadata: open('Metadata of the DataVolume.', {
              name: str('Name of the DataVolume.'),
            }),
            spec: open('Spec of the DataVolume.'),
          }),
        ),
        updateVolumesStrategy: str(
          'How volume changes are applied to a running VM.',
          ['Replacement', 'Migration'],
        ),
      },
    ),
    status: open(
      'Status holds the current state of the controller and brief information about its associated VirtualMachineInstance.',
      {
        printableStatus: str(
          'A human readable, high-level representation of the status of the virtual machine.',
        ),
        ready: bool('Whether the VirtualMachineInstance is ready.'),
        created: bool('Whether a VirtualMachineInstance exists.'),
        conditions: arr('Conditions of the VM.', condition),
        volumeRequests: arr(
          'Pending hot-plug and unplug requests.',
          open('A volume request.'),
        ),
        stateChangeRequests: arr(
          'Pending start and stop requests.',
          open('A state change request.'),
        ),
      },
    ),
  },
);

export const virtualMachineInstance = kindSchema(
  'VirtualMachineInstance is the running instance of a virtual machine.',
  {
    spec: vmiSpec,
    status: open(
      'Status is the high level overview of how the VirtualMachineInstance is doing.',
      {
        phase: str('Phase of the VMI.', [
          'Pending',
          'Scheduling',
          'Scheduled',
          'Running',
          'Succeeded',
          'Failed',
          'Unknown',
        ]),
        nodeName: str('The node the VMI runs on.'),
        interfaces: arr(
          'Interfaces of the guest, with their IP addresses.',
          open('An interface.', {
            ipAddress: str('Primary IP address.'),
            ipAddresses: arr('All IP addresses.', str('An IP address.')),
            name: str('Name of the interface.'),
          }),
        ),
        guestOSInfo: open('Guest OS information, from the guest agent.', {
          id: str('OS id, e.g. fedora.'),
          name: str('OS name.'),
          prettyName: str('Pretty name.'),
          version: str('OS version.'),
        }),
        migrationState: open('State of the last live migration.'),
        conditions: arr('Conditions of the VMI.', condition),
        volumeStatus: arr(
          'Status of every volume, including hot-plugged ones.',
          open('A volume status.'),
        ),
      },
    ),
  },
);

export const virtualMachineInstanceMigration = kindSchema(
  "VirtualMachineInstanceMigration represents the object tracking a VMI's migration to another host in the cluster.",
  {
    spec: obj('Spec of the migration.', {
      vmiName: str('The name of the VMI to migrate.'),
      addedNodeSelector: stringMap(
        'Extra node selector terms for the migration target.',
      ),
    }),
    status: open('Status of the migration.', {
      phase: str('Phase of the migration.', [
        'Pending',
        'Scheduling',
        'Scheduled',
        'PreparingTarget',
        'TargetReady',
        'Running',
        'Succeeded',
        'Failed',
      ]),
    }),
  },
);

/** Flavours of instancetypes and preferences are the same schema, cluster-wide or namespaced. */
export const instancetype: Schema = kindSchema(
  'An instancetype: the resource sizing of a VM.',
  {
    spec: open('Spec of the instancetype.', {
      cpu: open('CPU of VMs using this instancetype.', {
        guest: int('Number of vCPUs.'),
      }),
      memory: open('Memory of VMs using this instancetype.', {
        guest: quantity('Guest memory, e.g. 4Gi.'),
      }),
      gpus: arr('GPUs.', open('A GPU.')),
      hostDevices: arr('Host devices.', open('A host device.')),
      ioThreadsPolicy: str('IO threads policy.'),
      nodeSelector: stringMap('Node selector of VMs using this instancetype.'),
    }),
  },
);

export const preference: Schema = kindSchema(
  'A preference: the preferred guest settings of an OS.',
  {
    spec: open('Spec of the preference.', {
      cpu: open('Preferred CPU topology.', {
        preferredCPUTopology: str(
          'preferSockets, preferCores, preferThreads, preferSpread or preferAny.',
        ),
      }),
      devices: open('Preferred devices, e.g. preferredDiskBus.'),
      firmware: open('Preferred firmware.'),
      machine: open('Preferred machine type.'),
      requirements: open('Minimal resources the OS needs.'),
    }),
  },
);
