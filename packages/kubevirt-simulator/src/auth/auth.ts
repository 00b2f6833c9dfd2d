import { errors } from '../api/errors';
import { KubeObject, Store } from '../store/store';
import { anonymousUser, bootstrapPolicy } from './bootstrapPolicy';
import { decide, PolicyRule } from './ruleResolver';

export interface UserInfo {
  name: string;
  groups: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

/** Bearer tokens the simulator accepts, fixed so that app-config can hold them. */
export const defaultTokens = {
  admin: 'simulator-admin-token',
  broker: 'simulator-broker-token',
  viewer: 'simulator-viewer-token',
  none: 'simulator-none-token',
};

export const defaultUsers: Record<string, UserInfo> = {
  [defaultTokens.admin]: {
    name: 'kubernetes-admin',
    groups: ['system:masters', 'system:authenticated'],
  },
  [defaultTokens.broker]: {
    name: 'system:serviceaccount:kubevirt-system:backstage-broker',
    groups: [
      'system:serviceaccounts',
      'system:serviceaccounts:kubevirt-system',
      'system:authenticated',
    ],
  },
  [defaultTokens.viewer]: {
    name: 'vm-viewer',
    groups: ['system:authenticated'],
  },
  [defaultTokens.none]: { name: 'nobody', groups: ['system:authenticated'] },
};

/**
 * A request without credentials is `system:anonymous` (the apiserver's
 * default `--anonymous-auth=true`, staging/src/k8s.io/apiserver/pkg/
 * authentication/request/anonymous); credentials that do not authenticate
 * are 401.
 */
export function authenticate(
  header: string | undefined,
  users: Record<string, UserInfo>,
): UserInfo {
  if (!header?.trim()) return anonymousUser();
  const m = header.match(/^Bearer\s+(.+)$/i);
  const user = m ? users[m[1].trim()] : undefined;
  if (!user) throw errors.unauthorized();
  return user;
}

type Rule = PolicyRule;

/**
 * RBAC as the apiserver evaluates it (ruleResolver.ts), from the
 * rbac.authorization.k8s.io objects in the store; a denial is 403 with the
 * apiserver's message.
 */
export function authorize(
  store: Store,
  user: UserInfo,
  request: {
    verb: string;
    group: string;
    resource: string;
    namespace?: string;
    name?: string;
  },
) {
  if (decide(store, user, request).allowed) return;
  const { verb, group, resource, name, namespace } = request;
  throw errors.forbidden(user.name, verb, group, resource, name, namespace);
}

const ALL = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const ALLPLUS = [...ALL, 'deletecollection'];
const RO = ['get', 'list', 'watch'];
const snapshotish = [
  'snapshot.kubevirt.io',
  'export.kubevirt.io',
  'clone.kubevirt.io',
  'pool.kubevirt.io',
  'instancetype.kubevirt.io',
];

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
      {
        apiGroups: ['subresources.kubevirt.io'],
        resources: [
          'virtualmachineinstances/guestosinfo',
          'virtualmachineinstances/filesystemlist',
          'virtualmachineinstances/userlist',
          'virtualmachines/expand-spec',
        ],
        verbs: ['get'],
      },
      {
        apiGroups: ['kubevirt.io'],
        resources: [
          'virtualmachines',
          'virtualmachineinstances',
          'virtualmachineinstancepresets',
          'virtualmachineinstancereplicasets',
        ],
        verbs: write,
      },
      // every level reads them (virt-operator's rbac/cluster.go)
      {
        apiGroups: ['migrations.kubevirt.io'],
        resources: ['migrationpolicies'],
        verbs: RO,
      },
      {
        apiGroups: ['kubevirt.io'],
        resources: ['virtualmachineinstancemigrations'],
        verbs: RO,
      },
      { apiGroups: snapshotish, resources: ['*'], verbs: write },
      {
        apiGroups: ['cdi.kubevirt.io'],
        resources: ['datavolumes', 'datasources'],
        verbs: write,
      },
    ];
    if (level !== 'view') {
      rules.push(
        {
          apiGroups: ['subresources.kubevirt.io'],
          resources: [
            'virtualmachineinstances/console',
            'virtualmachineinstances/vnc',
          ],
          verbs: ['get'],
        },
        {
          apiGroups: ['subresources.kubevirt.io'],
          resources: [
            'virtualmachineinstances/pause',
            'virtualmachineinstances/unpause',
            'virtualmachineinstances/addvolume',
            'virtualmachineinstances/removevolume',
            'virtualmachineinstances/softreboot',
          ],
          verbs: ['update'],
        },
        {
          apiGroups: ['subresources.kubevirt.io'],
          resources: [
            'virtualmachines/start',
            'virtualmachines/stop',
            'virtualmachines/restart',
            'virtualmachines/addvolume',
            'virtualmachines/removevolume',
          ],
          verbs: ['update'],
        },
      );
    }
    // KubeVirt's cluster roles since v1.9 grant screenshots to admin only (edit had them up to v1.8)
    if (level === 'admin')
      rules.push({
        apiGroups: ['subresources.kubevirt.io'],
        resources: ['virtualmachineinstances/vnc/screenshot'],
        verbs: ['get'],
      });
    const r = role(`kubevirt.io:${level}`, rules);
    r.metadata.labels![`rbac.authorization.k8s.io/aggregate-to-${level}`] =
      'true';
    return r;
  };
  const binding = (
    name: string,
    roleName: string,
    subject: { kind: string; name: string; namespace?: string },
  ): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: roleName,
    },
    subjects: [
      subject.kind === 'ServiceAccount'
        ? subject
        : { apiGroup: 'rbac.authorization.k8s.io', ...subject },
    ],
  });
  return [
    ...bootstrapPolicy(),
    kubevirtRole('admin'),
    kubevirtRole('edit'),
    kubevirtRole('view'),
    role('kubevirt.io:migrate', [
      {
        apiGroups: ['subresources.kubevirt.io'],
        resources: ['virtualmachines/migrate'],
        verbs: ['update'],
      },
      {
        apiGroups: ['kubevirt.io'],
        resources: ['virtualmachineinstancemigrations'],
        verbs: ALLPLUS,
      },
    ]),
    role('cluster-reader', [
      { apiGroups: ['', 'storage.k8s.io'], resources: ['*'], verbs: RO },
    ]),
    role('backstage-broker', [
      { apiGroups: ['*'], resources: ['*'], verbs: [...ALLPLUS] },
    ]),
    binding('backstage-broker', 'backstage-broker', {
      kind: 'ServiceAccount',
      name: 'backstage-broker',
      namespace: 'kubevirt-system',
    }),
    // the broker acts as the signed-in user on clusters with impersonation on (a verb of its own,
    // not covered by the role above: the apiserver checks it in impersonation.go)
    role('backstage-broker-impersonator', [
      {
        apiGroups: [''],
        resources: ['users', 'groups'],
        verbs: ['impersonate'],
      },
    ]),
    binding('backstage-broker-impersonator', 'backstage-broker-impersonator', {
      kind: 'ServiceAccount',
      name: 'backstage-broker',
      namespace: 'kubevirt-system',
    }),
    // the demo's Backstage groups as the broker names them when it impersonates (app-config.yaml
    // kubevirt.roles): team-payments runs VMs, platform administers them
    binding('backstage-team-payments-edit', 'kubevirt.io:edit', {
      kind: 'Group',
      name: 'backstage:team-payments',
    }),
    binding('backstage-team-payments-read', 'cluster-reader', {
      kind: 'Group',
      name: 'backstage:team-payments',
    }),
    binding('backstage-platform-admin', 'kubevirt.io:admin', {
      kind: 'Group',
      name: 'backstage:platform',
    }),
    binding('backstage-platform-migrate', 'kubevirt.io:migrate', {
      kind: 'Group',
      name: 'backstage:platform',
    }),
    binding('backstage-platform-read', 'cluster-reader', {
      kind: 'Group',
      name: 'backstage:platform',
    }),
    binding('vm-viewer-view', 'kubevirt.io:view', {
      kind: 'User',
      name: 'vm-viewer',
    }),
    binding('vm-viewer-read', 'cluster-reader', {
      kind: 'User',
      name: 'vm-viewer',
    }),
  ];
}
