import { InputError } from '@backstage/errors';

/**
 * A request path on a Kubernetes API server, built only by `apiPath`. The
 * brand makes the compiler refuse a path concatenated anywhere else, so no
 * value a user sends can reach a cluster except as one encoded, checked
 * segment.
 */
export type ApiPath = string & { readonly __apiPath: unique symbol };

/** An API group and version; no group is the core group (`/api/v1`). */
export interface ApiGroupVersion {
  group?: string;
  version: string;
}

export const apiGroups = {
  core: { version: 'v1' },
  kubevirt: { group: 'kubevirt.io', version: 'v1' },
  subresources: { group: 'subresources.kubevirt.io', version: 'v1' },
  snapshot: { group: 'snapshot.kubevirt.io', version: 'v1beta1' },
  instancetype: { group: 'instancetype.kubevirt.io', version: 'v1beta1' },
  clone: { group: 'clone.kubevirt.io', version: 'v1beta1' },
  cdi: { group: 'cdi.kubevirt.io', version: 'v1beta1' },
  storage: { group: 'storage.k8s.io', version: 'v1' },
} satisfies Record<string, ApiGroupVersion>;

export interface ApiTarget extends ApiGroupVersion {
  /** Plural resource name, e.g. `virtualmachines`. */
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export type ApiQuery = Record<string, string | undefined>;

/**
 * Every segment an object name can take: a DNS-1123 subdomain, or the wider
 * character set of label keys and resource names; never `/`, `%`, `?`, `#`,
 * `.`/`..` alone, control characters or anything outside ASCII. Names are
 * validated as what they are before authorization; this is the last check,
 * so that a path never depends on every caller having done so.
 */
const SAFE_SEGMENT = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,251}[A-Za-z0-9])?$/;

function segment(value: string, what: string): string {
  if (!SAFE_SEGMENT.test(value)) {
    throw new InputError(
      `Invalid ${what} ${JSON.stringify(value)}: not a Kubernetes name`,
    );
  }
  return encodeURIComponent(value);
}

/** The one place a path to a cluster is made: each segment checked and encoded, the query encoded. */
export function apiPath(target: ApiTarget, query: ApiQuery = {}): ApiPath {
  const parts = target.group
    ? ['apis', segment(target.group, 'API group')]
    : ['api'];
  parts.push(segment(target.version, 'API version'));
  if (target.namespace !== undefined)
    parts.push('namespaces', segment(target.namespace, 'namespace'));
  parts.push(segment(target.resource, 'resource'));
  if (target.name !== undefined) parts.push(segment(target.name, 'name'));
  if (target.subresource !== undefined)
    parts.push(segment(target.subresource, 'subresource'));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) search.set(key, value);
  }
  const qs = search.toString();
  return `/${parts.join('/')}${qs ? `?${qs}` : ''}` as ApiPath;
}

/** Discovery's list of the API groups a cluster serves (APIGroupList): a constant, never built from input. */
export const apiGroupListPath = '/apis' as ApiPath;

/** The query of a write that the cluster should only validate (`dryRun=All`) when asked. */
export const dryRunQuery = (dryRun?: boolean): ApiQuery =>
  dryRun ? { dryRun: 'All' } : {};
