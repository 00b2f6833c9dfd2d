import { errors } from './errors';
import { ResourceType } from './resources';
import { KubeObject } from './store';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Admission as the apiserver and KubeVirt's webhooks do it, for what the product relies on. */
export function validate(type: ResourceType, obj: KubeObject) {
  const name = obj.metadata?.name;
  const causes: { field: string; message: string; reason?: string }[] = [];
  if (!name && !obj.metadata?.generateName) {
    causes.push({ field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' });
  } else if (name) {
    const label = type.kind === 'Namespace' || type.kind === 'Service';
    const re = label ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
    const max = label ? 63 : 253;
    if (!re.test(name) || name.length > max) {
      causes.push({
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 ${label ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-'${label ? '' : " or '.'"}, and must start and end with an alphanumeric character`,
      });
    }
  }
  for (const [k, v] of Object.entries(obj.metadata?.labels ?? {})) {
    if (typeof v !== 'string' || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
      causes.push({ field: `metadata.labels`, message: `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (label ${k})` });
    }
  }
  if (type.kind === 'VirtualMachine') {
    const spec = obj.spec ?? {};
    if (spec.running !== undefined && spec.runStrategy !== undefined) {
      throw webhook('virtualmachine-validator.kubevirt.io', 'Running and RunStrategy are mutually exclusive. Note that Running is deprecated, please use RunStrategy instead', 'spec.running', obj);
    }
    if (spec.running === undefined && spec.runStrategy === undefined) {
      throw webhook('virtualmachine-validator.kubevirt.io', 'RunStrategy must be specified', 'spec.running', obj);
    }
    if (spec.runStrategy && !['Always', 'RerunOnFailure', 'Manual', 'Halted', 'Once', 'WaitAsReceiver'].includes(spec.runStrategy)) {
      causes.push({ field: 'spec.runStrategy', message: `Unsupported value: "${spec.runStrategy}": supported values: "Always", "Halted", "Manual", "RerunOnFailure", "Once"`, reason: 'FieldValueNotSupported' });
    }
    if (!spec.template) causes.push({ field: 'spec.template', message: 'Required value', reason: 'FieldValueRequired' });
  }
  if (causes.length) throw errors.invalid(type.kind, type.group, name ?? '', causes);
}

function webhook(hook: string, message: string, field: string, obj: KubeObject) {
  const err = errors.invalid('VirtualMachine', 'kubevirt.io', obj.metadata?.name ?? '', [{ field, message }]);
  (err as { message: string }).message = `admission webhook "${hook}" denied the request: ${message}`;
  return err;
}
