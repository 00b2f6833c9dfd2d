import type { ResourceType } from '../store/resources';

const review = (group: string, kind: string): ResourceType => ({
  group,
  version: 'v1',
  kind,
  plural: `${kind.toLowerCase()}s`,
  singular: kind.toLowerCase(),
  namespaced: false,
  builtin: true,
  verbs: ['create'],
  subresources: [],
});

/**
 * The review kinds of authorization.k8s.io and authentication.k8s.io: create
 * only, never stored (kube-apiserver's pkg/registry/authorization/* and
 * pkg/registry/authentication/selfsubjectreview); src/auth/reviews.ts
 * answers them.
 */
export const reviewTypes: ResourceType[] = [
  review('authorization.k8s.io', 'SelfSubjectAccessReview'),
  review('authorization.k8s.io', 'SelfSubjectRulesReview'),
  review('authorization.k8s.io', 'SubjectAccessReview'),
  review('authentication.k8s.io', 'SelfSubjectReview'),
];

export const isReviewType = (t: ResourceType) => reviewTypes.includes(t);
