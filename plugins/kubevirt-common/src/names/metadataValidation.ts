import { KUBERNETES_ID_LABEL } from '../api/labels';
import { VM_OWNER_KEYS } from '../catalog';

/**
 * Label and annotation keys and values as the apiserver validates them
 * (apimachinery validation.IsQualifiedName, IsValidLabelValue and
 * ValidateAnnotations), so the portal refuses them before the cluster does
 * and says why in the same terms.
 */

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** apimachinery's TotalAnnotationSizeLimitB: keys and values together. */
export const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

const shown = (value: string) =>
  JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

/** Why `key` is not a qualified name (`[prefix/]name`), or undefined. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (!prefix) return `key ${shown(key)}: prefix part must be non-empty`;
    if (prefix.length > 253)
      return `key ${shown(
        key,
      )}: prefix part must be no more than 253 characters`;
    if (!DNS1123_SUBDOMAIN.test(prefix))
      return `key ${shown(
        key,
      )}: prefix part must be a lowercase RFC 1123 subdomain (lower case letters, digits, '-' and '.', starting and ending with a letter or digit)`;
  } else
    return `key ${shown(
      key,
    )}: a qualified name is a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`;
  if (!name) return `key ${shown(key)}: name part must be non-empty`;
  if (name.length > 63)
    return `key ${shown(key)}: name part must be no more than 63 characters`;
  if (!QUALIFIED_NAME.test(name))
    return `key ${shown(
      key,
    )}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  return undefined;
}

/** Why `value` is not a label value, or undefined. */
export function labelValueProblem(
  key: string,
  value: string,
): string | undefined {
  if (value.length > 63)
    return `value of label ${shown(key)} must be no more than 63 characters`;
  if (value !== '' && !QUALIFIED_NAME.test(value))
    return `value ${shown(value)} of label ${shown(
      key,
    )} must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  return undefined;
}

/** Every problem of a set of labels, one line each. */
export function labelsProblems(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([k, v]) =>
    [qualifiedNameProblem(k), labelValueProblem(k, v)].filter(
      (p): p is string => !!p,
    ),
  );
}

/** Every problem of a set of annotations: keys are qualified names (compared lower case), the whole at most 256 KiB. */
export function annotationsProblems(
  annotations: Record<string, string>,
): string[] {
  const problems = Object.keys(annotations).flatMap(k => {
    const p = qualifiedNameProblem(k.toLowerCase());
    return p ? [p.replace(shown(k.toLowerCase()), shown(k))] : [];
  });
  const size = Object.entries(annotations).reduce(
    (n, [k, v]) =>
      n +
      new TextEncoder().encode(k).length +
      new TextEncoder().encode(v).length,
    0,
  );
  if (size > ANNOTATIONS_SIZE_LIMIT)
    problems.push(
      `annotations: total size ${size} bytes may not be more than ${ANNOTATIONS_SIZE_LIMIT} bytes`,
    );
  return problems;
}

/**
 * Who may change a label or annotation key from the portal's metadata editor:
 * - `platform`: kept by Kubernetes or KubeVirt (kubevirt.io, kubernetes.io,
 *   k8s.io and their subdomains, but app.kubernetes.io); never from the editor;
 * - `ownership`: decides which component and team own the VM, and so who
 *   holds rights on it (backstage.io/kubernetes-id and the owner keys); only
 *   a caller who may delete the VM, since changing it gives the VM away;
 * - `free`: anyone who may update the VM.
 */
export type MetadataKeyRule = 'platform' | 'ownership' | 'free';

const ownershipKeys = new Set<string>([KUBERNETES_ID_LABEL, ...VM_OWNER_KEYS]);
const platformDomains = ['kubevirt.io', 'kubernetes.io', 'k8s.io'];

export function metadataKeyRule(key: string): MetadataKeyRule {
  if (ownershipKeys.has(key)) return 'ownership';
  const slash = key.indexOf('/');
  const prefix = slash > 0 ? key.slice(0, slash).toLowerCase() : '';
  // app.kubernetes.io is Kubernetes' recommended labels, set by users and their tools
  if (
    prefix !== 'app.kubernetes.io' &&
    platformDomains.some(d => prefix === d || prefix.endsWith(`.${d}`))
  )
    return 'platform';
  return 'free';
}
