/**
 * The names a user sends that name a cluster object, validated as the
 * Kubernetes names they are (apimachinery's IsDNS1123Label and
 * IsDNS1123Subdomain), so that nothing else — a `/`, `%2F`, `..`, `?`, `#`,
 * a NUL, a unicode look-alike — ever reaches a permission check or a
 * cluster path.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Cluster names come from the portal's config (as the Kubernetes plugin reads
 * them), not from Kubernetes, so they may use capitals and `_`; never `/`,
 * `%`, whitespace or anything that changes a path or a resource ref.
 */
const CLUSTER_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const shapes = new Map<RegExp, string>([
  [
    DNS1123_LABEL,
    "lower case letters, digits and '-', starting and ending with a letter or digit (RFC 1123 label)",
  ],
  [
    DNS1123_SUBDOMAIN,
    "lower case letters, digits, '-' and '.', starting and ending with a letter or digit (RFC 1123 subdomain)",
  ],
  [
    CLUSTER_NAME,
    "letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
  ],
]);

/** What each kind of name is, as Kubernetes and KubeVirt validate it. */
export const kubernetesNameKinds = {
  cluster: { pattern: CLUSTER_NAME, maxLength: 253, what: 'cluster name' },
  namespace: { pattern: DNS1123_LABEL, maxLength: 63, what: 'namespace' },
  // a new VM's name becomes its guest's hostname, so it is held to a label
  newVm: {
    pattern: DNS1123_LABEL,
    maxLength: 63,
    what: 'virtual machine name',
  },
  vm: {
    pattern: DNS1123_SUBDOMAIN,
    maxLength: 253,
    what: 'virtual machine name',
  },
  snapshot: {
    pattern: DNS1123_SUBDOMAIN,
    maxLength: 253,
    what: 'snapshot name',
  },
  template: {
    pattern: DNS1123_SUBDOMAIN,
    maxLength: 253,
    what: 'template name',
  },
  node: { pattern: DNS1123_SUBDOMAIN, maxLength: 253, what: 'node name' },
  claim: {
    pattern: DNS1123_SUBDOMAIN,
    maxLength: 253,
    what: 'PersistentVolumeClaim name',
  },
  dataSource: {
    pattern: DNS1123_SUBDOMAIN,
    maxLength: 253,
    what: 'golden image (DataSource) name',
  },
  instancetype: {
    pattern: DNS1123_SUBDOMAIN,
    maxLength: 253,
    what: 'instancetype name',
  },
  preference: {
    pattern: DNS1123_SUBDOMAIN,
    maxLength: 253,
    what: 'preference name',
  },
  volume: { pattern: DNS1123_LABEL, maxLength: 63, what: 'volume name' },
  interface: {
    pattern: DNS1123_LABEL,
    maxLength: 63,
    what: 'network interface name',
  },
  networkAttachmentDefinition: {
    pattern: DNS1123_SUBDOMAIN,
    maxLength: 253,
    what: 'NetworkAttachmentDefinition name',
  },
} as const;

/** @public */
export type KubernetesNameKind = keyof typeof kubernetesNameKinds;

/**
 * Why `value` is not a valid name of this kind, or undefined when it is.
 *
 * @public
 */
export function kubernetesNameProblem(
  kind: KubernetesNameKind,
  value: unknown,
): string | undefined {
  const rule = kubernetesNameKinds[kind];
  if (typeof value !== 'string' || value.length === 0) {
    return `${rule.what} is required`;
  }
  const shown = JSON.stringify(
    value.length > 80 ? `${value.slice(0, 80)}…` : value,
  );
  if (value.length > rule.maxLength) {
    return `${rule.what} ${shown} is longer than ${rule.maxLength} characters`;
  }
  if (!rule.pattern.test(value)) {
    const shape = shapes.get(rule.pattern) ?? '';
    return `${rule.what} ${shown} is not valid: it must be ${shape}`;
  }
  return undefined;
}

/** @public */
export function isKubernetesName(kind: KubernetesNameKind, value: unknown) {
  return kubernetesNameProblem(kind, value) === undefined;
}
