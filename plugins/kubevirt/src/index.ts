/**
 * The KubeVirt VM plugin. Apps on the new frontend system use the default
 * export of `@kubevirt-backstage/plugin-kubevirt/alpha`; this entry serves apps still on
 * the old system.
 *
 * @packageDocumentation
 */
export { kubevirtApiRef } from './api';
export type { KubevirtApi } from './api';
export {
  kubevirtPlugin,
  KubevirtVmListPage,
  EntityKubevirtContent,
  EntityKubevirtVmContent,
} from './legacy';
// template form pickers: field extensions for <ScaffolderFieldExtensions>, and the components themselves
export {
  KubevirtClusterPickerFieldExtension,
  KubevirtNamespacePickerFieldExtension,
  KubevirtInstancetypePickerFieldExtension,
  KubevirtGoldenImagePickerFieldExtension,
} from './scaffolder/legacy';
export {
  KubevirtClusterPicker,
  KubevirtNamespacePicker,
  KubevirtInstancetypePicker,
  KubevirtGoldenImagePicker,
  KubevirtClusterPickerSchema,
  KubevirtNamespacePickerSchema,
  KubevirtInstancetypePickerSchema,
  KubevirtGoldenImagePickerSchema,
} from './scaffolder';
export type {
  ClusterDependentOptions,
  InstancetypeOptions,
} from './scaffolder';
