/**
 * Permission policy for the KubeVirt plugins: Backstage users and groups are
 * bound to VM roles (vm-viewer, vm-user, vm-power-user, vm-admin) with a scope.
 *
 * @packageDocumentation
 */
export { permissionModuleKubevirtPolicy as default } from './module';
export { KubevirtPolicy, allowAllPolicy } from './KubevirtPolicy';
export type { KubevirtPolicyOptions } from './KubevirtPolicy';
export { readKubevirtRolesConfig } from './config';
export type {
  KubernetesPluginGrants,
  KubevirtRolesConfig,
  VmRoleBinding,
  VmScope,
} from './config';
export { kubevirtPolicyDelegateExtensionPoint } from './extensions';
export type { KubevirtPolicyDelegateExtensionPoint } from './extensions';
export { renderRoleTable } from './roleTable';
