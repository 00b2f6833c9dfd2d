import { KubeObject } from '../store/store';
import type { PolicyRule } from './ruleResolver';

export const ANONYMOUS_USER = 'system:anonymous';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';

const labels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };

const clusterRole = (name: string, rules: PolicyRule[]): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: {
    name,
    labels,
    annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
  },
  rules,
});

const groupBinding = (name: string, groups: string[]): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: {
    name,
    labels,
    annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
  },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
  subjects: groups.map(g => ({
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'Group',
    name: g,
  })),
});

/**
 * The part of kube-apiserver's bootstrap RBAC policy
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, clusterRoles
 * and clusterRoleBindings) that decides what any caller may do: the
 * superuser role, discovery and health for signed-in users, the review APIs
 * that let a user learn about themselves, and the public info anyone
 * (also anonymous) may read.
 */
export function bootstrapPolicy(): KubeObject[] {
  return [
    clusterRole('cluster-admin', [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
    ]),
    clusterRole('system:discovery', [
      {
        verbs: ['get'],
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
      },
    ]),
    clusterRole('system:basic-user', [
      {
        verbs: ['create'],
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
      },
      {
        verbs: ['create'],
        apiGroups: ['authentication.k8s.io'],
        resources: ['selfsubjectreviews'],
      },
    ]),
    clusterRole('system:public-info-viewer', [
      {
        verbs: ['get'],
        nonResourceURLs: [
          '/healthz',
          '/livez',
          '/readyz',
          '/version',
          '/version/',
        ],
      },
    ]),
    groupBinding('cluster-admin', ['system:masters']),
    groupBinding('system:discovery', ['system:authenticated']),
    groupBinding('system:basic-user', ['system:authenticated']),
    groupBinding('system:public-info-viewer', [
      'system:authenticated',
      UNAUTHENTICATED_GROUP,
    ]),
  ];
}

/** The user a request without credentials runs as (authentication/request/anonymous). */
export const anonymousUser = () => ({
  name: ANONYMOUS_USER,
  groups: [UNAUTHENTICATED_GROUP],
});
