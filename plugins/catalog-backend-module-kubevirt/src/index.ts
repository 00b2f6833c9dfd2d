/**
 * Catalog backend module: KubeVirt VMs as catalog entities.
 *
 * @packageDocumentation
 */
export { catalogModuleKubevirtEntityProvider as default } from './module';
export { KubevirtEntityProvider } from './KubevirtEntityProvider';
export type { KubevirtEntityProviderOptions } from './KubevirtEntityProvider';
export { readProviderConfig } from './config';
export type { KubevirtProviderConfig } from './config';
export { vmToEntity, vmPageUrl, statusClass } from './vmToEntity';
export type { ServedComponent, EntityOptions, StatusClass } from './vmToEntity';
