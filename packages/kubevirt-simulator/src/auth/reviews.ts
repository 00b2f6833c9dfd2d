import { errors } from '../api/errors';
import { apiVersionOf, ResourceType } from '../store/resources';
import { Store } from '../store/store';
import type { UserInfo } from './auth';
import { Attributes, decide, rulesFor } from './ruleResolver';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

interface ReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
  namespace?: string;
}

type Cause = { field: string; message: string; reason?: string };

/**
 * ValidateSubjectAccessReviewSpec / ValidateSelfSubjectAccessReviewSpec
 * (pkg/apis/authorization/validation/validation.go): exactly one kind of
 * attributes, and for a SubjectAccessReview a user or a group.
 */
function validateSpec(spec: ReviewSpec, forSubject: boolean): Cause[] {
  const causes: Cause[] = [];
  const { resourceAttributes: ra, nonResourceAttributes: nra } = spec;
  if (ra && nra)
    causes.push({
      field: 'spec.nonResourceAttributes',
      message: `Invalid value: ${JSON.stringify(
        nra,
      )}: cannot be specified in combination with resourceAttributes`,
    });
  if (!ra && !nra)
    causes.push({
      field: 'spec.resourceAttributes',
      message:
        'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    });
  if (forSubject && !spec.user && !spec.groups?.length)
    causes.push({
      field: 'spec.user',
      message: `Invalid value: "${
        spec.user ?? ''
      }": at least one of user or group must be specified`,
    });
  return causes;
}

/** authorizationutil.ResourceAttributesFrom / NonResourceAttributesFrom */
function attributesOf(spec: ReviewSpec): Attributes {
  const ra = spec.resourceAttributes;
  if (ra)
    return {
      verb: ra.verb ?? '',
      group: ra.group ?? '',
      resource: ra.subresource
        ? `${ra.resource ?? ''}/${ra.subresource}`
        : ra.resource ?? '',
      namespace: ra.namespace || undefined,
      name: ra.name || undefined,
    };
  return {
    verb: spec.nonResourceAttributes?.verb ?? '',
    path: spec.nonResourceAttributes?.path ?? '',
  };
}

const statusOf = (store: Store, user: UserInfo, spec: ReviewSpec) => {
  const { allowed, reason } = decide(store, user, attributesOf(spec));
  return { allowed, ...(reason ? { reason } : {}) };
};

/**
 * The create-only review APIs, answered as kube-apiserver's REST storages do:
 * SelfSubjectAccessReview (pkg/registry/authorization/selfsubjectaccessreview/rest.go)
 * and SubjectAccessReview (…/subjectaccessreview/rest.go) ask the authorizer
 * for the caller or for the named subject; SelfSubjectRulesReview
 * (…/selfsubjectrulesreview/rest.go) lists the caller's rules in a namespace;
 * SelfSubjectReview (pkg/registry/authentication/selfsubjectreview/rest.go)
 * tells the caller who they are. The caller's own `create` on the kind has
 * been checked before.
 */
export function review(
  store: Store,
  user: UserInfo,
  type: ResourceType,
  body: { spec?: ReviewSpec; kind?: string; apiVersion?: string },
) {
  const spec: ReviewSpec = body.spec ?? {};
  const envelope = {
    kind: type.kind,
    apiVersion: apiVersionOf(type),
    metadata: { creationTimestamp: null as string | null },
  };
  const invalid = (causes: Cause[]) =>
    errors.invalid(type.kind, type.group, '', causes);
  switch (type.kind) {
    case 'SelfSubjectAccessReview': {
      const causes = validateSpec(spec, false);
      if (causes.length) throw invalid(causes);
      return { ...envelope, spec, status: statusOf(store, user, spec) };
    }
    case 'SubjectAccessReview': {
      const causes = validateSpec(spec, true);
      if (causes.length) throw invalid(causes);
      const subject: UserInfo = {
        name: spec.user ?? '',
        groups: spec.groups ?? [],
      };
      return { ...envelope, spec, status: statusOf(store, subject, spec) };
    }
    case 'SelfSubjectRulesReview': {
      if (!spec.namespace) throw errors.badRequest('no namespace on request');
      // the apiserver answers a new object: the spec is not echoed
      return {
        ...envelope,
        spec: {},
        status: rulesFor(store, user, spec.namespace),
      };
    }
    case 'SelfSubjectReview':
      return {
        ...envelope,
        metadata: {
          creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        },
        status: {
          userInfo: {
            username: user.name,
            ...(user.uid ? { uid: user.uid } : {}),
            groups: user.groups,
            ...(user.extra && Object.keys(user.extra).length
              ? { extra: user.extra }
              : {}),
          },
        },
      };
    default:
      throw errors.methodNotAllowed();
  }
}
