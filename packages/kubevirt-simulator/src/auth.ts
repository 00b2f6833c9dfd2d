import { errors } from './errors';
import { resourceTypeOfKind } from './resources';
import { KubeObject, Store } from './store';

export interface UserInfo {
  name: string;
  groups: string[];
}

/** Bearer tokens the simulator accepts, fixed so that app-config can hold them. */
export const defaultTokens = {
  admin: 'simulator-admin-token',
  broker: 'simulator-broker-token',
  viewer: 'simulator-viewer-token',
  none: 'simulator-none-token',
};

export const defaultUsers: Record<string, UserInfo> = {
  [defaultTokens.admin]: { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
  [defaultTokens.broker]: {
    name: 'system:serviceaccount:kubevirt-system:backstage-broker',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kubevirt-system', 'system:authenticated'],
  },
  [defaultTokens.viewer]: { name: 'vm-viewer', groups: ['system:authenticated'] },
  [defaultTokens.none]: { name: 'nobody', groups: ['system:authenticated'] },
};

export function authenticate(header: string | undefined, users: Record<string, UserInfo>): UserInfo {
  const m = header?.match(/^Bearer\s+(.+)$/i);
  const user = m ? users[m[1].trim()] : undefined;
  if (!user) throw errors.unauthorized();
  return user;
}

type Rule = {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
};

const ruleAllows = (rule: Rule, verb: string, group: string, resource: string, name?: string) =>
  (rule.verbs.includes('*') || rule.verbs.includes(verb)) &&
  (rule.apiGroups ?? ['']).some(g => g === '*' || g === group) &&
  (rule.resources ?? []).some(
    r => r === '*' || r === resource || (r.endsWith('/*') && resource.startsWith(r.slice(0, -1))),
  ) &&
  (!rule.resourceNames?.length || (name !== undefined && rule.resourceNames.includes(name)));

const subjectMatches = (binding: KubeObject, user: UserInfo) =>
  (binding.subjects ?? []).some(
    (s: { kind: string; name: string; namespace?: string }) =>
      (s.kind === 'User' && s.name === user.name) ||
      (s.kind === 'Group' && user.groups.includes(s.name)) ||
      (s.kind === 'ServiceAccount' && user.name === `system:serviceaccount:${s.namespace}:${s.name}`),
  );

/**
 * RBAC as the apiserver evaluates it, from the rbac.authorization.k8s.io
 * objects in the store: ClusterRoleBindings anywhere, RoleBindings in the
 * request's namespace; system:masters may do anything.
 */
export function authorize(
  store: Store,
  user: UserInfo,
  request: { verb: string; group: string; resource: string; namespace?: string; name?: string },
) {
  if (user.groups.includes('system:masters')) return;
  const clusterRoles = resourceTypeOfKind('ClusterRole');
  const roles = resourceTypeOfKind('Role');
  const rulesOf = (ref: { kind: string; name: string }, namespace?: string): Rule[] => {
    const role =
      ref.kind === 'ClusterRole'
        ? store.get(clusterRoles, undefined, ref.name)
        : store.get(roles, namespace, ref.name);
    return role?.rules ?? [];
  };
  const { verb, group, resource, namespace, name } = request;
  for (const crb of store.list(resourceTypeOfKind('ClusterRoleBinding')).items) {
    if (subjectMatches(crb, user) && rulesOf(crb.roleRef).some(r => ruleAllows(r, verb, group, resource, name))) return;
  }
  if (namespace) {
    for (const rb of store.list(resourceTypeOfKind('RoleBinding'), { namespace }).items) {
      if (subjectMatches(rb, user) && rulesOf(rb.roleRef, namespace).some(r => ruleAllows(r, verb, group, resource, name))) return;
    }
  }
  throw errors.forbidden(user.name, verb, group, resource, name, namespace);
}

const ALL = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const ALLPLUS = [...ALL, 'deletecollection'];
const RO = ['get', 'list', 'watch'];
const snapshotish = ['snapshot.kubevirt.io', 'export.kubevirt.io', 'clone.kubevirt.io', 'pool.kubevirt.io', 'instancetype.kubevirt.io'];

/** KubeVirt's aggregated roles (virt-operator v1.9) and the bindings of the default tokens. */
export function rbacSeed(): KubeObject[] {
  const role = (name: string, rules: Rule[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { 'app.kubernetes.io/component': 'kubevirt' } },
    rules,
  });
  const kubevirtRole = (level: 'admin' | 'edit' | 'view'): KubeObject => {
    const write = { view: RO, edit: ALL, admin: ALLPLUS }[level];
    const rules: Rule[] = [
      { apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/guestosinfo', 'virtualmachineinstances/filesystemlist', 'virtualmachineinstances/userlist', 'virtualmachines/expand-spec'], verbs: ['get'] },
      { apiGroups: ['kubevirt.io'], resources: ['virtualmachines', 'virtualmachineinstances'], verbs: write },
      { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstancemigrations'], verbs: RO },
      { apiGroups: snapshotish, resources: ['*'], verbs: write },
      { apiGroups: ['cdi.kubevirt.io'], resources: ['datavolumes', 'datasources'], verbs: write },
    ];
    if (level !== 'view') {
      rules.push(
        { apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/console', 'virtualmachineinstances/vnc'], verbs: ['get'] },
        { apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/pause', 'virtualmachineinstances/unpause', 'virtualmachineinstances/addvolume', 'virtualmachineinstances/removevolume', 'virtualmachineinstances/softreboot'], verbs: ['update'] },
        { apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachines/start', 'virtualmachines/stop', 'virtualmachines/restart', 'virtualmachines/addvolume', 'virtualmachines/removevolume'], verbs: ['update'] },
      );
    }
    // since v1.9 only admin may take screenshots (edit had it up to v1.8)
    if (level === 'admin') rules.push({ apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/vnc/screenshot'], verbs: ['get'] });
    const r = role(`kubevirt.io:${level}`, rules);
    r.metadata.labels![`rbac.authorization.k8s.io/aggregate-to-${level}`] = 'true';
    return r;
  };
  const binding = (name: string, roleName: string, subject: { kind: string; name: string; namespace?: string }): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: [subject.kind === 'ServiceAccount' ? subject : { apiGroup: 'rbac.authorization.k8s.io', ...subject }],
  });
  return [
    kubevirtRole('admin'),
    kubevirtRole('edit'),
    kubevirtRole('view'),
    role('kubevirt.io:migrate', [
      { apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachines/migrate'], verbs: ['update'] },
      { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstancemigrations'], verbs: ALLPLUS },
    ]),
    role('cluster-reader', [{ apiGroups: ['', 'storage.k8s.io'], resources: ['*'], verbs: RO }]),
    role('backstage-broker', [{ apiGroups: ['*'], resources: ['*'], verbs: [...ALLPLUS] }]),
    binding('backstage-broker', 'backstage-broker', { kind: 'ServiceAccount', name: 'backstage-broker', namespace: 'kubevirt-system' }),
    binding('vm-viewer-view', 'kubevirt.io:view', { kind: 'User', name: 'vm-viewer' }),
    binding('vm-viewer-read', 'cluster-reader', { kind: 'User', name: 'vm-viewer' }),
  ];
}
