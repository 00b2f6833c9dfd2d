/** The RBAC attributes of one request to a Kubernetes API server. */
export interface RequestRight {
  group: string;
  /** With the subresource after a slash. */
  resource: string;
  verb: string;
}

const verbOfMethod: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
};

/**
 * The verb and resource a request is authorized as, the way the apiserver's
 * RequestInfoFactory derives them (staging/src/k8s.io/apiserver/pkg/endpoints/
 * request/requestinfo.go): GET of a collection is list (watch with
 * `watch=true`), of a named object get; DELETE of a collection is
 * deletecollection. Undefined for a non-resource path (discovery).
 */
export function requestRight(
  method: string,
  url: string,
): RequestRight | undefined {
  const parsed = new URL(url, 'https://cluster');
  const parts = parsed.pathname.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    rest = parts.slice(3);
  } else return undefined;
  // namespaces/<ns>/<resource>...: the namespace itself when nothing follows it
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  const [resource, name, ...subresource] = rest.map(decodeURIComponent);
  const sub = subresource.join('/');
  const upper = method.toUpperCase();
  let verb: string;
  if (upper === 'GET' || upper === 'HEAD') {
    if (name) verb = 'get';
    else verb = parsed.searchParams.get('watch') === 'true' ? 'watch' : 'list';
  } else if (upper === 'DELETE') verb = name ? 'delete' : 'deletecollection';
  else verb = verbOfMethod[upper] ?? upper.toLowerCase();
  return { group, resource: sub ? `${resource}/${sub}` : resource, verb };
}
