import { errors, StatusError } from '../api/errors';
import { rebootGuest } from './guestReboots';
import { MIGRATION_FINALIZER, runStrategyOf } from './lifecycle/vmStatus';
import { resourceTypeOfKind } from '../store/resources';
import { KubeObject, Store } from '../store/store';

const vmType = resourceTypeOfKind('VirtualMachine');
const vmiType = resourceTypeOfKind('VirtualMachineInstance');
const vmimType = resourceTypeOfKind('VirtualMachineInstanceMigration');

// virt-api names the *singular* resource in its Conflict messages
const conflict = (
  kind: 'virtualmachine' | 'virtualmachineinstance',
  name: string,
  why: string,
) =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${kind}.kubevirt.io "${name}": ${why}`,
    {
      name,
      group: 'kubevirt.io',
      kind,
    },
  );
const notFound = (
  kind: 'virtualmachine' | 'virtualmachineinstance',
  name: string,
) =>
  new StatusError(404, 'NotFound', `${kind}.kubevirt.io "${name}" not found`, {
    name,
    group: 'kubevirt.io',
    kind,
  });

// start: a VMI that is final, Unknown or has no phase yet counts as not running
const isFinal = (vmi?: KubeObject) =>
  !vmi ||
  ['Succeeded', 'Failed', 'Unknown', '', undefined].includes(vmi.status?.phase);
// vmi.IsFinal(): what stop looks at
const hasFinished = (vmi: KubeObject) =>
  ['Succeeded', 'Failed'].includes(vmi.status?.phase);
const isPaused = (vmi: KubeObject) =>
  (vmi.status?.conditions ?? []).some(
    (c: { type: string; status: string }) =>
      c.type === 'Paused' && c.status === 'True',
  );
// condManager.HasCondition: a condition of this type, whatever its status
const hasCondition = (vmi: KubeObject, type: string) =>
  (vmi.status?.conditions ?? []).some((c: { type: string }) => c.type === type);
// pause refuses on a Paused condition of any status
const hasPausedCondition = (vmi: KubeObject) => hasCondition(vmi, 'Paused');

function setVm(
  store: Store,
  vm: KubeObject,
  change: (vm: KubeObject) => KubeObject,
  dryRun: boolean,
) {
  if (dryRun) return;
  store.update(vmType, change(vm), { internal: true });
}

function addRequest(
  vm: KubeObject,
  action: 'Start' | 'Stop',
  uid?: string,
): KubeObject {
  return {
    ...vm,
    status: {
      ...vm.status,
      stateChangeRequests: [
        ...(vm.status?.stateChangeRequests ?? []),
        { action, ...(uid ? { uid } : {}) },
      ],
    },
  };
}

/** virt-api's stop request (lifecycle.go getChangeRequestJson): a lone Stop replaces whatever was queued. */
function stopRequest(vm: KubeObject, uid: string): KubeObject {
  return {
    ...vm,
    status: { ...vm.status, stateChangeRequests: [{ action: 'Stop', uid }] },
  };
}

const setStrategy = (vm: KubeObject, runStrategy: string): KubeObject => {
  const spec = { ...vm.spec, runStrategy };
  delete spec.running;
  return { ...vm, spec };
};

/**
 * KubeVirt's subresources (subresources.kubevirt.io/v1) with the state checks
 * and error texts of virt-api (pkg/virt-api/rest/lifecycle.go, subresource.go).
 * Returns the HTTP status of success: 202 for VM actions, 200 for VMI ones.
 */
export function runSubresource(
  store: Store,
  resource: 'virtualmachines' | 'virtualmachineinstances',
  namespace: string,
  name: string,
  sub: string,
  body: any,
): number {
  const dryRun = Array.isArray(body?.dryRun) && body.dryRun.includes('All');
  if (resource === 'virtualmachines') {
    const vm = store.get(vmType, namespace, name);
    if (!vm) throw notFound('virtualmachine', name);
    const vmi = store.get(vmiType, namespace, name);
    const strategy = runStrategyOf(vm);
    const pending = (vm.status?.stateChangeRequests ?? []).length > 0;
    switch (sub) {
      case 'start':
        if (vmi && !isFinal(vmi))
          throw conflict('virtualmachine', name, 'VM is already running');
        if (strategy === 'Always' || strategy === 'Once') {
          throw conflict(
            'virtualmachine',
            name,
            `${strategy} does not support manual start requests`,
          );
        }
        if (strategy === 'RerunOnFailure' && vmi?.status?.phase === 'Failed') {
          throw conflict(
            'virtualmachine',
            name,
            'RerunOnFailure does not support starting VM from failed state',
          );
        }
        if (pending && strategy !== 'Halted') {
          throw errors.internal(
            'unable to complete request: stop/start already underway',
          );
        }
        // a finished VMI is stopped before the new start (RerunOnFailure: Succeeded; Manual: any end)
        if (
          (strategy === 'RerunOnFailure' &&
            vmi?.status?.phase === 'Succeeded') ||
          (strategy === 'Manual' && vmi && hasFinished(vmi))
        ) {
          setVm(
            store,
            vm,
            v => addRequest(addRequest(v, 'Stop', vmi.metadata.uid), 'Start'),
            dryRun,
          );
          return 202;
        }
        setVm(
          store,
          vm,
          v =>
            strategy === 'Halted'
              ? setStrategy(v, 'Always')
              : addRequest(v, 'Start'),
          dryRun,
        );
        return 202;
      case 'stop': {
        // lifecycle.go StopVMRequestHandler: no check of a VMI being deleted or of queued requests
        const grace = body?.gracePeriod;
        const running = !!vmi && !hasFinished(vmi);
        const oldGrace = vmi?.spec?.terminationGracePeriodSeconds ?? 30;
        if (running && grace !== undefined && !dryRun)
          forceGrace(store, vmi!, grace);
        if (strategy === 'Always' || strategy === 'Once') {
          setVm(store, vm, v => setStrategy(v, 'Halted'), dryRun);
          return 202;
        }
        if (!running)
          throw conflict('virtualmachine', name, 'VM is not running');
        if (
          strategy === 'Halted' &&
          (grace === undefined || grace >= oldGrace)
        ) {
          throw conflict(
            'virtualmachine',
            name,
            'Halted only supports manual stop requests with a shorter graceperiod',
          );
        }
        setVm(store, vm, v => stopRequest(v, vmi!.metadata.uid!), dryRun);
        return 202;
      }
      case 'restart': {
        const grace = body?.gracePeriodSeconds;
        if (grace !== undefined && grace > 0)
          throw errors.badRequest(
            'For force restart, only gracePeriod=0 is supported for now',
          );
        if (grace !== undefined && grace < 0)
          throw errors.badRequest(
            'gracePeriod has to be greater or equal to 0',
          );
        if (strategy === 'Halted' || strategy === 'Once') {
          throw conflict(
            'virtualmachine',
            name,
            `RunStategy ${strategy} does not support manual restart requests`,
          );
        }
        // only a missing VMI is refused (lifecycle.go RestartVMRequestHandler): one starting, finished or migrating restarts
        if (!vmi)
          throw conflict('virtualmachine', name, 'VM is not running: Halted');
        if (pending)
          throw errors.internal(
            'unable to complete request: stop/start already underway',
          );
        // gracePeriodSeconds 0: the VMI gets 1 s to shut down
        if (grace === 0 && !dryRun) forceGrace(store, vmi, 1);
        setVm(
          store,
          vm,
          v => addRequest(addRequest(v, 'Stop', vmi.metadata.uid), 'Start'),
          dryRun,
        );
        return 202;
      }
      case 'migrate': {
        if (!vmi) throw notFound('virtualmachineinstance', name);
        if (vmi.status?.phase !== 'Running')
          throw conflict('virtualmachine', name, 'VM is not running');
        rejectMigration(store, vmi, msg =>
          errors.internal(
            `admission webhook "migration-create-validator.kubevirt.io" denied the request: ${msg}`,
          ),
        );
        if (!dryRun) {
          store.create(vmimType, {
            apiVersion: 'kubevirt.io/v1',
            kind: 'VirtualMachineInstanceMigration',
            metadata: {
              name: '',
              generateName: 'kubevirt-migrate-vm-',
              namespace,
              labels: { 'kubevirt.io/vmi-name': name },
              finalizers: [MIGRATION_FINALIZER],
            },
            spec: {
              vmiName: name,
              ...(body?.addedNodeSelector
                ? { addedNodeSelector: body.addedNodeSelector }
                : {}),
            },
            status: { phase: 'Pending' },
          });
        }
        return 202;
      }
      case 'addvolume':
      case 'removevolume':
        return changeVolumes(store, vm, sub, body, dryRun);
      default:
        throw notFound('virtualmachine', `${name}/${sub}`);
    }
  }
  // unpause looks at the VM's snapshot before it looks for the VMI (lifecycle.go UnpauseVMIRequestHandler)
  if (
    sub === 'unpause' &&
    store.get(vmType, namespace, name)?.status?.snapshotInProgress
  ) {
    throw conflict('virtualmachine', name, 'VM snapshot is in progress');
  }
  // the VMI subresources never look at the VM: no VMI is 404 for a stopped VM as for no VM at all,
  // a VMI that is not Running is 409 (subresource.go FetchVirtualMachineInstance, lifecycle.go validate)
  const vmi = store.get(vmiType, namespace, name);
  if (!vmi) throw notFound('virtualmachineinstance', name);
  switch (sub) {
    case 'pause':
      if (vmi.status?.phase !== 'Running')
        throw conflict('virtualmachineinstance', name, 'VM is not running');
      if (vmi.spec?.livenessProbe && !vmi.spec.livenessProbe.guestAgentPing) {
        throw new StatusError(
          403,
          'Forbidden',
          `virtualmachineinstance.kubevirt.io "${name}" is forbidden: Pausing VMIs with a non-GuestAgentPing LivenessProbe is not supported`,
          {
            name,
            group: 'kubevirt.io',
            kind: 'virtualmachineinstance',
          },
        );
      }
      if (hasPausedCondition(vmi))
        throw conflict('virtualmachineinstance', name, 'VMI is already paused');
      if (!dryRun) setPaused(store, vmi, true);
      return 200;
    case 'unpause': {
      if (vmi.status?.phase !== 'Running')
        throw conflict('virtualmachineinstance', name, 'VMI is not running');
      if (!hasPausedCondition(vmi))
        throw conflict('virtualmachineinstance', name, 'VMI is not paused');
      if (!dryRun) setPaused(store, vmi, false);
      return 200;
    }
    case 'softreboot':
      // subresource.go SoftRebootVMIRequestHandler: running, not paused, and a guest agent or ACPI to ask
      if (vmi.status?.phase !== 'Running')
        throw conflict('virtualmachineinstance', name, 'VM is not running');
      if (isPaused(vmi))
        throw conflict('virtualmachineinstance', name, 'VMI is paused');
      if (
        !hasCondition(vmi, 'AgentConnected') &&
        vmi.spec?.domain?.features?.acpi?.enabled === false
      ) {
        throw conflict(
          'virtualmachineinstance',
          name,
          'VMI neither have the agent connected nor the ACPI feature enabled',
        );
      }
      // the guest reboots inside the same instance: same VMI, pod, node and IP
      if (!dryRun) rebootGuest(store, vmi.metadata.uid!);
      return 200;
    case 'addvolume':
    case 'removevolume':
      if (
        vmi.metadata.ownerReferences?.some(o => o.kind === 'VirtualMachine')
      ) {
        throw errors.badRequest(`VMI ${namespace}/${name} is owned by a VM`);
      }
      return 200;
    default:
      throw notFound('virtualmachineinstance', `${name}/${sub}`);
  }
}

/** The migration admission checks, shared by the subresource and direct VMIM creates. */
export function rejectMigration(
  store: Store,
  vmi: KubeObject,
  fail: (message: string) => Error,
) {
  const notMigratable = (vmi.status?.conditions ?? []).find(
    (c: { type: string; status: string }) =>
      c.type === 'LiveMigratable' && c.status === 'False',
  );
  if (notMigratable) {
    throw fail(
      `Cannot migrate VMI, Reason: ${notMigratable.reason}, Message: ${notMigratable.message}`,
    );
  }
  const inFlight = store
    .list(vmimType, {
      namespace: vmi.metadata.namespace,
      labels: [
        { key: 'kubevirt.io/vmi-name', op: 'in', values: [vmi.metadata.name] },
      ],
    })
    .items.find(m => !['Succeeded', 'Failed'].includes(m.status?.phase));
  if (inFlight) {
    throw fail(
      `in-flight migration detected. Active migration job (${inFlight.metadata.uid}) is currently already in progress for VMI ${vmi.metadata.name}.`,
    );
  }
}

function forceGrace(store: Store, vmi: KubeObject, grace: number) {
  store.update(
    vmiType,
    { ...vmi, spec: { ...vmi.spec, terminationGracePeriodSeconds: grace } },
    { internal: true },
  );
}

function setPaused(store: Store, vmi: KubeObject, paused: boolean) {
  const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const conditions = (vmi.status?.conditions ?? []).filter(
    (c: { type: string }) => c.type !== 'Paused' && c.type !== 'Ready',
  );
  conditions.push({
    type: 'Ready',
    status: paused ? 'False' : 'True',
    lastTransitionTime: ts,
    ...(paused ? { reason: 'Paused' } : {}),
  });
  if (paused) {
    conditions.push({
      type: 'Paused',
      status: 'True',
      reason: 'PausedByUser',
      message: 'VMI was paused by user',
      lastTransitionTime: ts,
    });
  }
  store.update(
    vmiType,
    { ...vmi, status: { ...vmi.status, conditions } },
    { internal: true },
  );
}

function changeVolumes(
  store: Store,
  vm: KubeObject,
  sub: string,
  body: any,
  dryRun: boolean,
) {
  const name = vm.metadata.name;
  const spec = vm.spec?.template?.spec ?? {};
  const volumes: any[] = spec.volumes ?? [];
  const disks: any[] = spec.domain?.devices?.disks ?? [];
  if (sub === 'addvolume') {
    if (!body?.name)
      throw errors.badRequest('AddVolumeOptions requires name to be set');
    if (!body.disk)
      throw errors.badRequest('AddVolumeOptions requires disk to not be nil');
    if (!body.volumeSource)
      throw errors.badRequest(
        'AddVolumeOptions requires VolumeSource to not be nil',
      );
    if (volumes.some(v => v.name === body.name)) {
      throw conflict(
        'virtualmachine',
        name,
        `Unable to add volume [${body.name}] because volume with that name already exists`,
      );
    }
    const source = body.volumeSource.persistentVolumeClaim
      ? {
          persistentVolumeClaim: {
            ...body.volumeSource.persistentVolumeClaim,
            hotpluggable: true,
          },
        }
      : { dataVolume: { ...body.volumeSource.dataVolume, hotpluggable: true } };
    const next = JSON.parse(JSON.stringify(vm));
    next.spec.template.spec.volumes = [
      ...volumes,
      { name: body.name, ...source },
    ];
    next.spec.template.spec.domain.devices.disks = [
      ...disks,
      { ...body.disk, name: body.name },
    ];
    setVm(store, vm, () => next, dryRun);
    return 202;
  }
  if (!body?.name)
    throw errors.badRequest('RemoveVolumeOptions requires name to be set');
  const volume = volumes.find(v => v.name === body.name);
  if (!volume)
    throw conflict(
      'virtualmachine',
      name,
      `Unable to remove volume [${body.name}] because it does not exist`,
    );
  const source = volume.persistentVolumeClaim ?? volume.dataVolume;
  if (!source?.hotpluggable) {
    throw conflict(
      'virtualmachine',
      name,
      `Unable to remove volume [${body.name}] because it is not hotpluggable`,
    );
  }
  const next = JSON.parse(JSON.stringify(vm));
  next.spec.template.spec.volumes = volumes.filter(v => v.name !== body.name);
  next.spec.template.spec.domain.devices.disks = disks.filter(
    d => d.name !== body.name,
  );
  setVm(store, vm, () => next, dryRun);
  return 202;
}
