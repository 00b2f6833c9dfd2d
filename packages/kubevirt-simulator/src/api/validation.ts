import { errors } from './errors';
import { ResourceType } from '../store/resources';
import { KubeObject } from '../store/store';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from './nameValidation';

type Cause = { field: string; message: string; reason?: string };

/**
 * The name rule of a kind, as its registry strategy picks it: namespaces are
 * DNS-1123 labels (ValidateNamespaceName), services DNS-1035 labels
 * (ValidateServiceName), everything else, custom resources too, DNS-1123
 * subdomains (NameIsDNSSubdomain).
 */
const nameRuleOf = (type: ResourceType) => {
  if (type.kind === 'Namespace') return isDNS1123Label;
  if (type.kind === 'Service') return isDNS1035Label;
  return isDNS1123Subdomain;
};

/** field.Invalid's message: the value quoted, then what is wrong. */
const invalid = (field: string, value: string, message: string): Cause => ({
  field,
  message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
});

/**
 * The apiserver's own validation of what the product relies on:
 * ValidateObjectMeta's name and labels (apimachinery
 * pkg/api/validation/objectmeta.go, one cause per broken rule) and the
 * required fields of KubeVirt's CRD schemas. KubeVirt's webhooks are
 * src/kubevirt/webhookAdmission.ts.
 */
export function validate(type: ResourceType, obj: KubeObject) {
  const name = obj.metadata?.name;
  const causes: Cause[] = [];
  if (!name && !obj.metadata?.generateName) {
    causes.push({
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
      reason: 'FieldValueRequired',
    });
  } else if (name) {
    for (const msg of nameRuleOf(type)(name))
      causes.push(invalid('metadata.name', name, msg));
  }
  for (const [key, value] of Object.entries(obj.metadata?.labels ?? {})) {
    for (const msg of isQualifiedName(key))
      causes.push(invalid('metadata.labels', key, msg));
    for (const msg of isValidLabelValue(typeof value === 'string' ? value : ''))
      causes.push(invalid('metadata.labels', String(value), msg));
  }
  // the VirtualMachine CRD's schema requires spec.template
  if (type.kind === 'VirtualMachine' && !obj.spec?.template)
    causes.push({
      field: 'spec.template',
      message: 'Required value',
      reason: 'FieldValueRequired',
    });
  if (causes.length)
    throw errors.invalid(type.kind, type.group, name ?? '', causes);
}
