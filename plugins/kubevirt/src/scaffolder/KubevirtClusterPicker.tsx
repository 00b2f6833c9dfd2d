import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { usePickerApi } from './pickerApi';
import { PickerSelect } from './PickerSelect';

/** The clusters the broker knows; a cluster whose cache is not synced is shown but cannot be picked. */
export function KubevirtClusterPicker(
  props: FieldExtensionComponentProps<string>,
) {
  const {
    formData,
    onChange,
    required,
    schema,
    idSchema,
    rawErrors,
    disabled,
  } = props;
  const api = usePickerApi();
  const {
    value: clusters,
    loading,
    error,
  } = useAsync(async () => (await api.listClusters()).items, [api]);
  const usable = (clusters ?? []).filter(c => c.state !== 'not-synced');

  // one usable cluster: nothing to choose
  useEffect(() => {
    if (!formData && usable.length === 1) onChange(usable[0].name);
  }, [formData, usable, onChange]);

  const chosen = clusters?.find(c => c.name === formData);
  let problem: string | undefined;
  if (error) problem = `Could not read the clusters: ${error.message}`;
  else if (clusters && !clusters.length)
    problem = 'No KubeVirt cluster is configured';
  else if (formData && clusters && !chosen)
    problem = `No cluster named ${formData}`;
  else if (chosen?.state === 'not-synced')
    problem = `Cluster ${chosen.name} cannot be reached right now${
      chosen.error ? `: ${chosen.error}` : ''
    }`;
  else if (chosen?.state === 'stale')
    problem = `Cluster ${chosen.name} is not answering; data is as of ${
      chosen.staleSince ?? 'earlier'
    }`;

  return (
    <PickerSelect
      id={idSchema?.$id ?? 'kubevirt-cluster'}
      label={schema.title ?? 'Cluster'}
      description={schema.description ?? 'The KubeVirt cluster the VM runs on'}
      required={required}
      disabled={disabled}
      value={formData}
      loading={loading}
      error={problem ?? rawErrors?.[0]}
      options={(clusters ?? []).map(c => ({
        value: c.name,
        label: `${c.title ?? c.name}${c.title ? ` (${c.name})` : ''}${
          c.state === 'synced' ? '' : ` — ${c.state}`
        }`,
        disabled: c.state === 'not-synced',
      }))}
      onChange={onChange}
    />
  );
}
