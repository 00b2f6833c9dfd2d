import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { GoldenImageOption } from '@kubevirt-backstage/plugin-kubevirt-common';
import useAsync from 'react-use/esm/useAsync';
import { ClusterDependentOptions, fieldValue } from './formValues';
import { usePickerApi } from './pickerApi';
import { PickerSelect } from './PickerSelect';

/** The picker's value: what kubevirt:vm:create takes as `image`. */
export const goldenImageValue = (image: { namespace: string; name: string }) =>
  `${image.namespace}/${image.name}`;

function goldenImageLabel(image: GoldenImageOption) {
  const title = image.displayName ?? image.os ?? image.name;
  return `${title}${title === image.name ? '' : ` (${image.name})`}${
    image.ready ? '' : ' — not ready'
  }`;
}

/** Golden images (DataSources) of the chosen cluster; one that is not ready cannot be picked. */
export function KubevirtGoldenImagePicker(
  props: FieldExtensionComponentProps<string, ClusterDependentOptions>,
) {
  const {
    formData,
    onChange,
    required,
    schema,
    idSchema,
    rawErrors,
    disabled,
    uiSchema,
    formContext,
  } = props;
  const cluster = fieldValue(
    formContext,
    uiSchema?.['ui:options']?.clusterField ?? 'cluster',
  );
  const api = usePickerApi();
  const {
    value: images,
    loading,
    error,
  } = useAsync(
    async () =>
      cluster
        ? [...(await api.listGoldenImages(cluster)).items].sort((a, b) =>
            a.name.localeCompare(b.name),
          )
        : undefined,
    [api, cluster],
  );

  const chosen = images?.find(i => goldenImageValue(i) === formData);
  let problem: string | undefined;
  if (error)
    problem = `Could not read the golden images of cluster ${cluster}: ${error.message}`;
  else if (images && !images.length)
    problem = `Cluster ${cluster} has no golden images`;
  else if (formData && images && !chosen)
    problem = `Cluster ${cluster} has no golden image ${formData}`;
  else if (chosen && !chosen.ready)
    problem = `${goldenImageLabel(chosen)}: its disk is still being imported`;

  return (
    <PickerSelect
      id={idSchema?.$id ?? 'kubevirt-golden-image'}
      label={schema.title ?? 'Operating system'}
      description={
        schema.description ?? 'The golden image the VM disk is cloned from'
      }
      required={required}
      disabled={disabled || !cluster}
      placeholder={cluster ? undefined : 'Choose a cluster first'}
      value={formData}
      loading={loading && !!cluster}
      error={problem ?? rawErrors?.[0]}
      options={(images ?? []).map(i => ({
        value: goldenImageValue(i),
        label: goldenImageLabel(i),
        disabled: !i.ready,
      }))}
      onChange={onChange}
    />
  );
}
