import { scaffolderPlugin } from '@backstage/plugin-scaffolder';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { kubevirtFields } from './fields';

// Apps on the old frontend system: put these inside <ScaffolderFieldExtensions> of the scaffolder route.

/** Cluster picker for template forms (old frontend system). */
export const KubevirtClusterPickerFieldExtension = scaffolderPlugin.provide(
  createScaffolderFieldExtension({
    ...kubevirtFields.cluster,
    schema: kubevirtFields.cluster.schema.schema,
  }),
);

/** Namespace picker: only namespaces where the user may create VMs (old frontend system). */
export const KubevirtNamespacePickerFieldExtension = scaffolderPlugin.provide(
  createScaffolderFieldExtension({
    ...kubevirtFields.namespace,
    schema: kubevirtFields.namespace.schema.schema,
  }),
);

/** Instancetype picker with vCPU and memory (old frontend system). */
export const KubevirtInstancetypePickerFieldExtension =
  scaffolderPlugin.provide(
    createScaffolderFieldExtension({
      ...kubevirtFields.instancetype,
      schema: kubevirtFields.instancetype.schema.schema,
    }),
  );

/** Golden image picker (old frontend system). */
export const KubevirtGoldenImagePickerFieldExtension = scaffolderPlugin.provide(
  createScaffolderFieldExtension({
    ...kubevirtFields.goldenImage,
    schema: kubevirtFields.goldenImage.schema.schema,
  }),
);
