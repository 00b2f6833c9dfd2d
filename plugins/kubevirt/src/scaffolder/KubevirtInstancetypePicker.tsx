import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { InstancetypeOption } from '@kubevirt-backstage/plugin-kubevirt-common';
import useAsync from 'react-use/esm/useAsync';
import { fieldValue, formatMemory, InstancetypeOptions } from './formValues';
import { usePickerApi } from './pickerApi';
import { PickerSelect } from './PickerSelect';

/** "u1.medium — 1 vCPU, 4 GiB memory" */
function instancetypeLabel(it: InstancetypeOption) {
  const size = [
    it.cpu ? `${it.cpu} vCPU` : undefined,
    it.memory ? `${formatMemory(it.memory)} memory` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const name =
    it.displayName && it.displayName !== it.name
      ? `${it.name} (${it.displayName})`
      : it.name;
  return `${name}${size ? ` — ${size}` : ''}${
    it.scope === 'namespace' ? ` · namespace ${it.namespace}` : ''
  }`;
}

const units: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};
const bytes = (memory?: string) => {
  const m = memory?.match(/^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)$/);
  return m ? Number(m[1]) * units[m[2]] : 0;
};

// smallest first, as people read sizes
const bySize = (a: InstancetypeOption, b: InstancetypeOption) =>
  (a.cpu ?? 0) - (b.cpu ?? 0) ||
  bytes(a.memory) - bytes(b.memory) ||
  a.name.localeCompare(b.name);

/** Instancetypes (VM sizes) of the chosen cluster, cluster-wide and of the chosen namespace, with vCPU and memory. */
export function KubevirtInstancetypePicker(
  props: FieldExtensionComponentProps<string, InstancetypeOptions>,
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
  const options = uiSchema?.['ui:options'];
  const cluster = fieldValue(formContext, options?.clusterField ?? 'cluster');
  const namespace = fieldValue(
    formContext,
    options?.namespaceField ?? 'namespace',
  );
  const api = usePickerApi();
  const {
    value: types,
    loading,
    error,
  } = useAsync(
    async () =>
      cluster
        ? [...(await api.listInstancetypes(cluster, { namespace })).items].sort(
            bySize,
          )
        : undefined,
    [api, cluster, namespace],
  );

  let problem: string | undefined;
  if (error)
    problem = `Could not read the instancetypes of cluster ${cluster}: ${error.message}`;
  else if (types && !types.length)
    problem = `Cluster ${cluster} offers no instancetypes`;
  else if (formData && types && !types.some(t => t.name === formData))
    problem = `Cluster ${cluster} has no instancetype ${formData}`;

  return (
    <PickerSelect
      id={idSchema?.$id ?? 'kubevirt-instancetype'}
      label={schema.title ?? 'Size'}
      description={
        schema.description ?? 'vCPUs and memory of the VM (instancetype)'
      }
      required={required}
      disabled={disabled || !cluster}
      placeholder={cluster ? undefined : 'Choose a cluster first'}
      value={formData}
      loading={loading && !!cluster}
      error={problem ?? rawErrors?.[0]}
      options={(types ?? []).map(t => ({
        value: t.name,
        label: instancetypeLabel(t),
      }))}
      onChange={onChange}
    />
  );
}
