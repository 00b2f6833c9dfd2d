import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ClusterDependentOptions, fieldValue } from './formValues';
import { usePickerApi } from './pickerApi';
import { PickerSelect } from './PickerSelect';

/** Namespaces of the chosen cluster where the user may create VMs: the broker asks the permission policy for each. */
export function KubevirtNamespacePicker(
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
    value: namespaces,
    loading,
    error,
  } = useAsync(
    async () =>
      cluster
        ? (await api.listNamespaces(cluster)).items.map(n => n.name)
        : undefined,
    [api, cluster],
  );

  // another cluster: a namespace chosen for the last one no longer applies
  useEffect(() => {
    if (formData && namespaces && !namespaces.includes(formData))
      onChange(undefined);
    else if (!formData && namespaces?.length === 1) onChange(namespaces[0]);
  }, [formData, namespaces, onChange]);

  let problem: string | undefined;
  if (error)
    problem = `Could not read the namespaces of cluster ${cluster}: ${error.message}`;
  else if (namespaces && !namespaces.length)
    problem = `You may not create VMs in any namespace of cluster ${cluster}`;

  return (
    <PickerSelect
      id={idSchema?.$id ?? 'kubevirt-namespace'}
      label={schema.title ?? 'Namespace'}
      description={
        schema.description ?? 'Only namespaces where you may create VMs'
      }
      required={required}
      disabled={disabled || !cluster}
      placeholder={cluster ? undefined : 'Choose a cluster first'}
      value={formData}
      loading={loading && !!cluster}
      error={problem ?? rawErrors?.[0]}
      options={(namespaces ?? []).map(n => ({ value: n, label: n }))}
      onChange={onChange}
    />
  );
}
