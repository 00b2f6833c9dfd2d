/**
 * Scaffolder actions for KubeVirt VMs (kubevirt:vm:create, action, snapshot,
 * delete, wait) and kubevirt:catalog:register-local.
 *
 * @packageDocumentation
 */
export { scaffolderModuleKubevirt as default } from './module';
export { createVmCreateAction } from './actions/createVm';
export { createVmActionAction } from './actions/vmAction';
export { createVmSnapshotAction } from './actions/snapshotVm';
export { createVmDeleteAction } from './actions/deleteVm';
export { createVmWaitAction } from './actions/waitVm';
export { createRegisterLocalAction } from './actions/registerLocal';
export type { KubevirtActionDeps } from './actions/deps';
export type { RegisterLocalDeps } from './actions/registerLocal';
