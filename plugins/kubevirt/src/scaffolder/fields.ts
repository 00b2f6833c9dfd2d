import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';
import { KubevirtClusterPicker } from './KubevirtClusterPicker';
import { KubevirtGoldenImagePicker } from './KubevirtGoldenImagePicker';
import { KubevirtInstancetypePicker } from './KubevirtInstancetypePicker';
import { KubevirtNamespacePicker } from './KubevirtNamespacePicker';
import {
  validateCluster,
  validateGoldenImage,
  validateInstancetype,
  validateNamespace,
} from './validation';

export const KubevirtClusterPickerSchema = makeFieldSchema({
  output: z => z.string().describe('Cluster name'),
});

export const KubevirtNamespacePickerSchema = makeFieldSchema({
  output: z => z.string().describe('Namespace where the user may create VMs'),
  uiOptions: z =>
    z.object({
      clusterField: z
        .string()
        .optional()
        .describe('The form field holding the cluster; default cluster'),
    }),
});

export const KubevirtInstancetypePickerSchema = makeFieldSchema({
  output: z => z.string().describe('Instancetype name'),
  uiOptions: z =>
    z.object({
      clusterField: z
        .string()
        .optional()
        .describe('The form field holding the cluster; default cluster'),
      namespaceField: z
        .string()
        .optional()
        .describe('The form field holding the namespace; default namespace'),
    }),
});

export const KubevirtGoldenImagePickerSchema = makeFieldSchema({
  output: z => z.string().describe('Golden image as <namespace>/<name>'),
  uiOptions: z =>
    z.object({
      clusterField: z
        .string()
        .optional()
        .describe('The form field holding the cluster; default cluster'),
    }),
});

/** Every picker once, for both frontend systems. */
export const kubevirtFields = {
  cluster: {
    name: 'KubevirtClusterPicker',
    component: KubevirtClusterPicker,
    validation: validateCluster,
    schema: KubevirtClusterPickerSchema,
  },
  namespace: {
    name: 'KubevirtNamespacePicker',
    component: KubevirtNamespacePicker,
    validation: validateNamespace,
    schema: KubevirtNamespacePickerSchema,
  },
  instancetype: {
    name: 'KubevirtInstancetypePicker',
    component: KubevirtInstancetypePicker,
    validation: validateInstancetype,
    schema: KubevirtInstancetypePickerSchema,
  },
  goldenImage: {
    name: 'KubevirtGoldenImagePicker',
    component: KubevirtGoldenImagePicker,
    validation: validateGoldenImage,
    schema: KubevirtGoldenImagePickerSchema,
  },
};
