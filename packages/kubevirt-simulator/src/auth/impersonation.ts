import { errors } from '../api/errors';
import { Store } from '../store/store';
import { authorize, UserInfo } from './auth';
import { isDNS1123Label, isDNS1123Subdomain } from '../api/nameValidation';

/**
 * One thing a request asks to act as, as apiserver's
 * `buildImpersonationRequests` (staging/src/k8s.io/apiserver/pkg/endpoints/
 * filters/impersonation.go) lists them: each is authorized on its own with
 * the `impersonate` verb.
 */
interface ImpersonationRequest {
  kind: 'ServiceAccount' | 'User' | 'Group' | 'UserExtra' | 'UID';
  namespace?: string;
  name: string;
  /** The extra's key (the Go code keeps it in ObjectReference.FieldPath). */
  fieldPath?: string;
  apiVersion?: string;
}

/** A request's headers, each with all its values (IncomingMessage.headersDistinct). */
type HeadersDistinct = NodeJS.Dict<string[]>;

const SA_PREFIX = 'system:serviceaccount:';
const EXTRA_PREFIX = 'impersonate-extra-';

/** serviceaccount.SplitUsername: `system:serviceaccount:<namespace>:<name>`, both valid names. */
function splitServiceAccount(username: string) {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts;
  if (isDNS1123Label(namespace).length || isDNS1123Subdomain(name).length)
    return undefined;
  return { namespace, name };
}

/** Go's `%v` of a []v1.ObjectReference, as the 400 message prints it. */
const printRequests = (requests: ImpersonationRequest[]) =>
  `[${requests
    .map(
      r =>
        `{${[
          r.kind,
          r.namespace ?? '',
          r.name,
          '',
          r.apiVersion ?? '',
          '',
          r.fieldPath ?? '',
        ].join(' ')}}`,
    )
    .join(' ')}]`;

function buildImpersonationRequests(
  headers: HeadersDistinct,
): ImpersonationRequest[] {
  const requests: ImpersonationRequest[] = [];
  // Header.Get: the first value
  const requestedUser = headers['impersonate-user']?.[0] ?? '';
  const hasUser = requestedUser.length > 0;
  if (hasUser) {
    const sa = splitServiceAccount(requestedUser);
    requests.push(
      sa
        ? { kind: 'ServiceAccount', ...sa }
        : { kind: 'User', name: requestedUser },
    );
  }
  const groups = headers['impersonate-group'] ?? [];
  for (const group of groups) requests.push({ kind: 'Group', name: group });
  let hasUserExtra = false;
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX) || !values) continue;
    hasUserExtra = true;
    let key = header.slice(EXTRA_PREFIX.length).toLowerCase();
    try {
      // unescapeExtraKey: %-encoded bytes decoded, a malformed key kept as sent
      key = decodeURIComponent(key);
    } catch {
      // kept as sent
    }
    for (const value of values)
      requests.push({
        kind: 'UserExtra',
        apiVersion: 'authentication.k8s.io/v1',
        name: value,
        fieldPath: key,
      });
  }
  const requestedUid = headers['impersonate-uid']?.[0] ?? '';
  if (requestedUid)
    requests.push({
      kind: 'UID',
      name: requestedUid,
      apiVersion: 'authentication.k8s.io/v1',
    });
  if ((groups.length || hasUserExtra || requestedUid) && !hasUser)
    throw errors.badRequest(
      `requested ${printRequests(requests)} without impersonating a user`,
    );
  return requests;
}

/**
 * The user a request runs as: the authenticated one, or whom its
 * `Impersonate-*` headers name once the authenticated user was allowed to
 * impersonate each of them (apiserver's `WithImpersonation`; a refusal is its
 * 403 naming the requester, the verb `impersonate` and the resource).
 */
export function impersonate(
  store: Store,
  requestor: UserInfo,
  headers: HeadersDistinct,
): UserInfo {
  const requests = buildImpersonationRequests(headers);
  if (!requests.length) return requestor;
  const groupsSpecified = (headers['impersonate-group'] ?? []).length > 0;
  let name = '';
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  let uid: string | undefined;
  for (const r of requests) {
    let group = '';
    let resource: string;
    switch (r.kind) {
      case 'ServiceAccount':
        resource = 'serviceaccounts';
        name = `${SA_PREFIX}${r.namespace}:${r.name}`;
        if (!groupsSpecified)
          groups = [
            'system:serviceaccounts',
            `system:serviceaccounts:${r.namespace}`,
          ];
        break;
      case 'User':
        resource = 'users';
        name = r.name;
        break;
      case 'Group':
        resource = 'groups';
        groups.push(r.name);
        break;
      case 'UserExtra':
        group = 'authentication.k8s.io';
        resource = `userextras/${r.fieldPath}`;
        (extra[r.fieldPath!] ??= []).push(r.name);
        break;
      default:
        group = 'authentication.k8s.io';
        resource = 'uids';
        uid = r.name;
    }
    authorize(store, requestor, {
      verb: 'impersonate',
      group,
      resource,
      namespace: r.namespace,
      name: r.name,
    });
  }
  if (name !== 'system:anonymous') {
    if (
      !groups.some(
        g => g === 'system:authenticated' || g === 'system:unauthenticated',
      )
    )
      groups.push('system:authenticated');
  } else if (!groups.includes('system:unauthenticated'))
    groups.push('system:unauthenticated');
  return {
    name,
    groups,
    ...(uid ? { uid } : {}),
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}
