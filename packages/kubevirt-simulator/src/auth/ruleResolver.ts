import { aggregate, StatusError } from '../api/errors';
import { resourceTypeOfKind } from '../store/resources';
import { KubeObject, Store } from '../store/store';
import type { UserInfo } from './auth';

/** An rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** What a request asks to do, as the apiserver's authorizer.Attributes carry it. */
export type Attributes =
  | {
      verb: string;
      group: string;
      /** `resource` or `resource/subresource` */
      resource: string;
      namespace?: string;
      name?: string;
      path?: undefined;
    }
  | { verb: string; path: string; resource?: undefined };

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

/** The group kube-apiserver lets do anything before RBAC runs (authorizerfactory.NewPrivilegedGroups). */
export const PRIVILEGED_GROUP = 'system:masters';

const has = (set: string[] | undefined, v: string) => !!set?.includes(v);

/** rbacv1helpers.VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches, NonResourceURLMatches. */
export function ruleAllows(attrs: Attributes, rule: PolicyRule): boolean {
  if (!(has(rule.verbs, '*') || has(rule.verbs, attrs.verb))) return false;
  if (attrs.path !== undefined) {
    return (rule.nonResourceURLs ?? []).some(
      u =>
        u === '*' ||
        u === attrs.path ||
        (u.endsWith('*') && attrs.path.startsWith(u.replace(/\*+$/, ''))),
    );
  }
  const [, ...sub] = attrs.resource.split('/');
  const subresource = sub.join('/');
  return (
    (rule.apiGroups ?? []).some(g => g === '*' || g === attrs.group) &&
    (rule.resources ?? []).some(
      r =>
        r === '*' ||
        r === attrs.resource ||
        (subresource !== '' && r === `*/${subresource}`),
    ) &&
    (!rule.resourceNames?.length ||
      (attrs.name !== undefined && rule.resourceNames.includes(attrs.name)))
  );
}

/** rule.go appliesToUser: a ServiceAccount subject without namespace means the binding's. */
function appliesTo(user: UserInfo, subjects: Subject[], namespace: string) {
  return subjects.find(s => {
    if (s.kind === 'User') return user.name === s.name;
    if (s.kind === 'Group') return user.groups.includes(s.name);
    if (s.kind === 'ServiceAccount') {
      const ns = s.namespace || namespace;
      return !!ns && user.name === `system:serviceaccount:${ns}:${s.name}`;
    }
    return false;
  });
}

/** rule.go describeSubject */
const describeSubject = (s: Subject, bindingNamespace: string) =>
  s.kind === 'ServiceAccount'
    ? `${s.kind} "${s.name}/${s.namespace || bindingNamespace}"`
    : `${s.kind} "${s.name}"`;

type Visitor = (
  source: string | undefined,
  rule: PolicyRule | undefined,
  err: string | undefined,
) => boolean;

/**
 * DefaultRuleResolver.VisitRulesFor (pkg/registry/rbac/validation/rule.go):
 * every ClusterRoleBinding, then the RoleBindings of the namespace; a role
 * that cannot be found is an error, not a denial of the other bindings.
 */
export function visitRulesFor(
  store: Store,
  user: UserInfo,
  namespace: string | undefined,
  visitor: Visitor,
) {
  const roleRules = (
    ref: { kind: string; name: string },
    bindingNamespace: string,
  ): PolicyRule[] | string => {
    if (ref.kind === 'ClusterRole') {
      const role = store.get(
        resourceTypeOfKind('ClusterRole'),
        undefined,
        ref.name,
      );
      return role
        ? role.rules ?? []
        : `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`;
    }
    if (ref.kind === 'Role') {
      const role = store.get(
        resourceTypeOfKind('Role'),
        bindingNamespace,
        ref.name,
      );
      return role
        ? role.rules ?? []
        : `role.rbac.authorization.k8s.io "${ref.name}" not found`;
    }
    return `unsupported role reference kind: "${ref.kind}"`;
  };
  const visitBindings = (
    bindings: KubeObject[],
    kind: 'ClusterRoleBinding' | 'RoleBinding',
    bindingNamespace: string,
  ) => {
    for (const binding of bindings) {
      const subject = appliesTo(user, binding.subjects ?? [], bindingNamespace);
      if (!subject) continue;
      const rules = roleRules(binding.roleRef, bindingNamespace);
      if (typeof rules === 'string') {
        if (!visitor(undefined, undefined, rules)) return false;
        continue;
      }
      const bindingName =
        kind === 'RoleBinding'
          ? `${binding.metadata.name}/${bindingNamespace}`
          : binding.metadata.name;
      const source = `${kind} "${bindingName}" of ${binding.roleRef.kind} "${
        binding.roleRef.name
      }" to ${describeSubject(subject, bindingNamespace)}`;
      for (const rule of rules)
        if (!visitor(source, rule, undefined)) return false;
    }
    return true;
  };
  const clusterBindings = store.list(
    resourceTypeOfKind('ClusterRoleBinding'),
  ).items;
  if (!visitBindings(clusterBindings, 'ClusterRoleBinding', '')) return;
  if (namespace) {
    const roleBindings = store.list(resourceTypeOfKind('RoleBinding'), {
      namespace,
    }).items;
    visitBindings(roleBindings, 'RoleBinding', namespace);
  }
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

/**
 * The union of the privileged-group authorizer and RBACAuthorizer.Authorize
 * (plugin/pkg/auth/authorizer/rbac/rbac.go): allowed with the binding that
 * allows it as the reason; otherwise no opinion, with the rule resolution
 * errors as the reason.
 */
export function decide(
  store: Store,
  user: UserInfo,
  attrs: Attributes,
): Decision {
  if (user.groups.includes(PRIVILEGED_GROUP))
    return { allowed: true, reason: '' };
  let allowed = '';
  const errs: string[] = [];
  visitRulesFor(
    store,
    user,
    attrs.path === undefined ? attrs.namespace : undefined,
    (source, rule, err) => {
      if (rule && ruleAllows(attrs, rule)) {
        allowed = `RBAC: allowed by ${source}`;
        return false;
      }
      if (err) errs.push(err);
      return true;
    },
  );
  if (allowed) return { allowed: true, reason: allowed };
  return {
    allowed: false,
    reason: errs.length ? `RBAC: ${aggregate(errs)}` : '',
  };
}

/** RBACAuthorizer.RulesFor: the rules of every binding that applies, split into resource and non-resource rules. */
export function rulesFor(store: Store, user: UserInfo, namespace: string) {
  const rules: PolicyRule[] = [];
  const errs: string[] = [];
  visitRulesFor(store, user, namespace, (_source, rule, err) => {
    if (rule) rules.push(rule);
    if (err) errs.push(err);
    return true;
  });
  return {
    resourceRules: rules
      .filter(r => r.resources?.length)
      .map(r => ({
        verbs: r.verbs,
        apiGroups: r.apiGroups ?? [],
        resources: r.resources,
        ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
      })),
    nonResourceRules: rules
      .filter(r => r.nonResourceURLs?.length)
      .map(r => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
    incomplete: false,
    ...(errs.length ? { evaluationError: aggregate(errs) } : {}),
  };
}

/**
 * A non-resource request (discovery, /version, /healthz, ...): authorized on
 * its path, and refused with the apiserver's message
 * (endpoints/handlers/responsewriters/errors.go forbiddenMessage).
 */
export function authorizePath(
  store: Store,
  user: UserInfo,
  verb: string,
  path: string,
) {
  if (decide(store, user, { verb, path }).allowed) return;
  throw new StatusError(
    403,
    'Forbidden',
    `forbidden: User "${user.name}" cannot ${verb} path "${path}"`,
    {},
  );
}

/**
 * RequestInfoFactory.NewRequestInfo (apiserver/pkg/endpoints/request/requestinfo.go):
 * a path outside /api and /apis, or one too short to name a resource
 * (/api/v1, /apis/group/version), is a non-resource request.
 */
export const isNonResourcePath = (parts: string[]) =>
  parts.length < 3 ||
  (parts[0] !== 'api' && parts[0] !== 'apis') ||
  (parts[0] === 'apis' && parts.length < 4);
