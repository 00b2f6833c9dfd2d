import { errors } from '../api/errors';
import { resourceTypeOfKind } from '../store/resources';
import { KubeObject, Store } from '../store/store';

/** The KubeVirt release the simulator answers as (the KubeVirt CR's observed and target version). */
export const KUBEVIRT_VERSION = 'v1.6.0';

/** Where virt-operator keeps its one KubeVirt CR in a default install. */
export const KUBEVIRT_CR = { namespace: 'kubevirt', name: 'kubevirt' };

/**
 * Gates that are GA in KubeVirt 1.6, so enabled whatever the CR lists
 * (kubevirt pkg/virt-config/featuregate/inactive.go: LiveMigration GA,
 * HotplugNICs GA v1.4.0, VMLiveUpdateFeatures GA v1.5.0).
 */
export const GA_FEATURE_GATES = [
  'LiveMigration',
  'HotplugNICs',
  'VMLiveUpdateFeatures',
];

/**
 * Gates still off by default in 1.6 that the portal's operations depend on
 * (Snapshot: Beta, pkg/virt-config/featuregate/storage/snapshot.go;
 * HotplugVolumes: Alpha; ExpandDisks: GA only in v1.8.0; VMExport: GA only in v1.9.0).
 */
export const DEFAULT_FEATURE_GATES = [
  'Snapshot',
  'HotplugVolumes',
  'ExpandDisks',
  'VMExport',
];

/** What this simulated cluster has installed and enabled: set at start, so a test can run a cluster lacking a gate or part. */
export interface ClusterFeatures {
  /** `spec.configuration.developerConfiguration.featureGates` of the KubeVirt CR. Default: every gate above. */
  featureGates?: string[];
  /** `spec.configuration.vmRolloutStrategy`. Default `LiveUpdate` (CPU/memory hot-plug on). */
  vmRolloutStrategy?: 'LiveUpdate' | 'Stage';
  /** Containerized Data Importer installed (`cdi.kubevirt.io`). Default true. */
  cdi?: boolean;
  /** Instancetypes and preferences served (`instancetype.kubevirt.io`). Default true. */
  instancetypes?: boolean;
}

/** The API groups a cluster without these parts does not serve: absent from discovery, 404 on their paths. */
export function hiddenGroups(features: ClusterFeatures): Set<string> {
  const hidden = new Set<string>();
  if (features.cdi === false) hidden.add('cdi.kubevirt.io');
  if (features.instancetypes === false) hidden.add('instancetype.kubevirt.io');
  return hidden;
}

/** The KubeVirt CR as virt-operator keeps it once deployed (kubevirt api/core/v1 KubeVirt, KubeVirtSpec, KubeVirtStatus). */
export function kubevirtCr(features: ClusterFeatures): KubeObject {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'KubeVirt',
    metadata: { ...KUBEVIRT_CR },
    spec: {
      certificateRotateStrategy: {},
      configuration: {
        developerConfiguration: {
          featureGates: features.featureGates ?? DEFAULT_FEATURE_GATES,
        },
        vmRolloutStrategy: features.vmRolloutStrategy ?? 'LiveUpdate',
      },
      customizeComponents: {},
      imagePullPolicy: 'IfNotPresent',
      workloadUpdateStrategy: {},
    },
    status: {
      phase: 'Deployed',
      observedKubeVirtVersion: KUBEVIRT_VERSION,
      targetKubeVirtVersion: KUBEVIRT_VERSION,
      operatorVersion: KUBEVIRT_VERSION,
      observedKubeVirtRegistry: 'quay.io/kubevirt',
      targetKubeVirtRegistry: 'quay.io/kubevirt',
      defaultArchitecture: 'amd64',
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'AllComponentsReady',
          message: 'All components are ready.',
        },
        {
          type: 'Progressing',
          status: 'False',
          reason: 'AllComponentsReady',
          message: 'All components are ready.',
        },
        {
          type: 'Degraded',
          status: 'False',
          reason: 'AllComponentsReady',
          message: 'All components are ready.',
        },
      ],
    },
  } as KubeObject;
}

/** Seeds the `kubevirt` namespace and its KubeVirt CR, unless kept state already has them. */
export function seedKubevirt(store: Store, features: ClusterFeatures) {
  const kubevirts = resourceTypeOfKind('KubeVirt');
  if (store.get(kubevirts, KUBEVIRT_CR.namespace, KUBEVIRT_CR.name)) return;
  const namespaces = resourceTypeOfKind('Namespace');
  if (!store.get(namespaces, undefined, KUBEVIRT_CR.namespace))
    store.create(namespaces, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: KUBEVIRT_CR.namespace,
        labels: { 'kubernetes.io/metadata.name': KUBEVIRT_CR.namespace },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    } as KubeObject);
  store.create(kubevirts, kubevirtCr(features));
}

/**
 * Whether a gate is on, read from the KubeVirt CR as it is now (virt-api
 * watches the CR, so a patched gate list counts at once): GA gates always,
 * others when listed; without a CR, only GA gates.
 */
export function gateEnabled(store: Store, gate: string): boolean {
  if (GA_FEATURE_GATES.includes(gate)) return true;
  const kv = store.get(
    resourceTypeOfKind('KubeVirt'),
    KUBEVIRT_CR.namespace,
    KUBEVIRT_CR.name,
  );
  const gates: unknown =
    kv?.spec?.configuration?.developerConfiguration?.featureGates;
  return Array.isArray(gates) && gates.includes(gate);
}

const hotplugRefusals: Record<string, string> = {
  addvolume: 'Unable to Add Volume',
  removevolume: 'Unable to Remove Volume',
};

/**
 * virt-api's refusal of a volume hot-plug without the HotplugVolumes gate
 * (kubevirt pkg/virt-api/rest/subresource.go, addVolumeRequestHandler and
 * removeVolumeRequestHandler: 400 before the body is read).
 */
export function admitSubresource(store: Store, sub: string) {
  const action = hotplugRefusals[sub];
  if (action && !gateEnabled(store, 'HotplugVolumes'))
    throw errors.badRequest(
      `${action} because HotplugVolumes feature gate is not enabled.`,
    );
}

/**
 * KubeVirt's validating webhooks that refuse a create when a gate is off
 * (pkg/virt-api/webhooks/validating-webhook/admitters/vmsnapshot-admitter.go,
 * Admit: "snapshot feature gate not enabled" on Create), as the apiserver
 * words a webhook's denial.
 */
const createRefusals: Record<
  string,
  { gate: string; webhook: string; message: string }
> = {
  VirtualMachineSnapshot: {
    gate: 'Snapshot',
    webhook: 'virtualmachinesnapshot-validator.snapshot.kubevirt.io',
    message: 'snapshot feature gate not enabled',
  },
  // vmrestore-admitter.go, Admit
  VirtualMachineRestore: {
    gate: 'Snapshot',
    webhook: 'virtualmachinerestore-validator.snapshot.kubevirt.io',
    message: 'Snapshot/Restore feature gate not enabled',
  },
};

export function admitCreate(store: Store, obj: KubeObject) {
  const refusal = createRefusals[obj.kind];
  if (refusal && !gateEnabled(store, refusal.gate))
    throw errors.badRequest(
      `admission webhook "${refusal.webhook}" denied the request: ${refusal.message}`,
    );
}

/** `spec.configuration.vmRolloutStrategy` of the KubeVirt CR; unset is virt-config's DefaultVMRolloutStrategy, Stage. */
export function vmRolloutStrategy(store: Store): string {
  const kv = store.get(
    resourceTypeOfKind('KubeVirt'),
    KUBEVIRT_CR.namespace,
    KUBEVIRT_CR.name,
  );
  return kv?.spec?.configuration?.vmRolloutStrategy ?? 'Stage';
}

const cpuMemory = (domain: any) =>
  JSON.stringify([
    domain?.cpu?.sockets ?? 1,
    domain?.cpu?.cores ?? 1,
    domain?.cpu?.threads ?? 1,
    domain?.memory?.guest ?? domain?.resources?.requests?.memory,
  ]);

/**
 * Whether KubeVirt's VM controller marks a running VM RestartRequired
 * (pkg/virt-controller/watch/vm/vm.go: a template change it cannot roll out
 * live): with the Stage rollout strategy a changed CPU topology or guest
 * memory waits for a restart. Only CPU and memory are compared, the fields
 * a hot-plug changes; with LiveUpdate they are rolled out live.
 */
export function restartRequired(
  store: Store,
  templateDomain: unknown,
  vmiDomain: unknown,
): boolean {
  if (vmRolloutStrategy(store) === 'LiveUpdate') return false;
  return cpuMemory(templateDomain) !== cpuMemory(vmiDomain);
}

/** The condition KubeVirt sets then, with its message. */
export const RESTART_REQUIRED_MESSAGE =
  'a non-live-updatable field was changed in the template spec';
