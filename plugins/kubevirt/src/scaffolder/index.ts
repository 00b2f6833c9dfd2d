export { KubevirtClusterPicker } from './KubevirtClusterPicker';
export { KubevirtNamespacePicker } from './KubevirtNamespacePicker';
export { KubevirtInstancetypePicker } from './KubevirtInstancetypePicker';
export { KubevirtGoldenImagePicker } from './KubevirtGoldenImagePicker';
export {
  KubevirtClusterPickerSchema,
  KubevirtNamespacePickerSchema,
  KubevirtInstancetypePickerSchema,
  KubevirtGoldenImagePickerSchema,
} from './fields';
export type {
  ClusterDependentOptions,
  InstancetypeOptions,
} from './formValues';
