import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  isVmRole,
  VmRole,
  vmRoles,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { z } from 'zod/v4';

/** Which VMs a binding covers. Every part that is set must match. */
export interface VmScope {
  /** Only VMs that belong to an entity owned by the user or one of their groups. */
  owned?: boolean;
  clusters?: string[];
  /** `<namespace>` (any cluster) or `<cluster>/<namespace>`. */
  namespaces?: string[];
}

export interface VmRoleBinding {
  /** Normalized, lower-case entity refs. */
  subjects: string[];
  role: VmRole;
  /** `undefined` parts do not restrict; `{}` is every VM. */
  scope: VmScope;
}

/**
 * Who may use the Kubernetes plugin (`@backstage/plugin-kubernetes-backend`),
 * which reaches the same clusters with the same credentials as the broker.
 */
export interface KubernetesPluginGrants {
  /** Normalized, lower-case refs that may use `/api/kubernetes/proxy` (`kubernetes.proxy`). */
  proxy: string[];
  /**
   * Normalized, lower-case refs that may read objects through the Kubernetes
   * plugin (`kubernetes.resources.read`), besides every holder of a VM role
   * with scope `all` and every proxy grantee.
   */
  resourcesRead: string[];
  /**
   * The pre-fix behaviour, for operators who ask for it: the Kubernetes
   * plugin's permissions go to the delegate (allow-all unless a module sets one).
   */
  ignoreVmRoles: boolean;
}

export interface KubevirtRolesConfig {
  bindings: VmRoleBinding[];
  /** What every signed-in user holds without a binding; none by default. */
  defaultBinding?: Omit<VmRoleBinding, 'subjects'>;
  /** `kubevirt.roles.kubernetesPlugin`; unset = nobody gets the proxy, resources.read only with a VM role of scope all. */
  kubernetesPlugin?: KubernetesPluginGrants;
}

const nonEmptyNames = z.array(z.string().min(1)).min(1);

const scopeSchema = z
  .union(
    [
      z.literal('all'),
      z.literal('owned'),
      z
        .object({
          owned: z.boolean().optional(),
          clusters: nonEmptyNames.optional(),
          namespaces: nonEmptyNames.optional(),
        })
        .strict()
        .refine(s => s.owned || s.clusters || s.namespaces, {
          message:
            'a scope object needs at least one of owned: true, clusters or namespaces (use "all" for every VM)',
        }),
    ],
    {
      error: issue =>
        typeof issue.input === 'string' || typeof issue.input !== 'object'
          ? `scope ${JSON.stringify(
              issue.input,
            )} is not "all", "owned" or an object { owned?, clusters?, namespaces? }`
          : undefined,
    },
  )
  .optional();

const roleSchema = z.string().refine(isVmRole, {
  error: issue => `unknown role "${issue.input}"; one of ${vmRoles.join(', ')}`,
});

const subjectSchema = z.string().transform((ref, ctx) => {
  try {
    const parsed = parseEntityRef(ref, { defaultNamespace: 'default' });
    const kind = parsed.kind.toLocaleLowerCase('en-US');
    if (kind !== 'user' && kind !== 'group') {
      ctx.addIssue({
        code: 'custom',
        message: `subject "${ref}" must be a user or group entity ref`,
      });
      return z.NEVER;
    }
    return stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `subject "${ref}" is not an entity ref: ${
        (error as Error).message
      }`,
    });
    return z.NEVER;
  }
});

const bindingSchema = z
  .object({
    subjects: z
      .array(subjectSchema)
      .min(1, 'a binding needs at least one subject'),
    role: roleSchema,
    scope: scopeSchema,
  })
  .strict();

function toScope(scope: z.infer<typeof scopeSchema>): VmScope {
  if (scope === undefined || scope === 'all') return {};
  if (scope === 'owned') return { owned: true };
  return {
    owned: scope.owned || undefined,
    clusters: scope.clusters,
    namespaces: scope.namespaces,
  };
}

function describeIssues(error: z.ZodError) {
  return error.issues
    .map(i => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
    .join('; ');
}

const KUBERNETES_PLUGIN_KEYS = ['proxy', 'resourcesRead', 'ignoreVmRoles'];

function readSubjectList(raw: unknown, key: string): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    throw new Error(
      `Invalid ${key}: expected a list of user and group entity refs, e.g. [group:default/platform]`,
    );
  }
  return raw.map((ref, index) => {
    const result = subjectSchema.safeParse(ref);
    if (!result.success)
      throw new Error(
        `Invalid ${key}[${index}]: ${describeIssues(result.error)}`,
      );
    return result.data;
  });
}

/**
 * `kubevirt.roles.kubernetesPlugin`: explicit grants of the Kubernetes
 * plugin's proxy and object reads, or the operator's plain opt-out.
 */
function readKubernetesPluginGrants(
  roles: Config,
): KubernetesPluginGrants | undefined {
  const key = 'kubevirt.roles.kubernetesPlugin';
  const raw = roles.getOptional<unknown>('kubernetesPlugin');
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(
      `Invalid ${key}: expected an object { proxy?, resourcesRead?, ignoreVmRoles? }`,
    );
  }
  const record = raw as Record<string, unknown>;
  const unknownKey = Object.keys(record).find(
    k => !KUBERNETES_PLUGIN_KEYS.includes(k),
  );
  if (unknownKey) {
    throw new Error(
      `Invalid ${key}: unknown key "${unknownKey}"; one of ${KUBERNETES_PLUGIN_KEYS.join(
        ', ',
      )}`,
    );
  }
  const proxy = readSubjectList(record.proxy, `${key}.proxy`);
  const resourcesRead = readSubjectList(
    record.resourcesRead,
    `${key}.resourcesRead`,
  );
  const ignoreVmRoles = record.ignoreVmRoles ?? false;
  if (typeof ignoreVmRoles !== 'boolean') {
    throw new Error(
      `Invalid ${key}.ignoreVmRoles: expected true or false, got ${JSON.stringify(
        ignoreVmRoles,
      )}`,
    );
  }
  if (
    ignoreVmRoles &&
    (record.proxy !== undefined || record.resourcesRead !== undefined)
  ) {
    throw new Error(
      `Invalid ${key}: ignoreVmRoles: true hands the Kubernetes plugin's permissions to the delegate policy, ` +
        'so proxy and resourcesRead would have no effect; set one or the other',
    );
  }
  return { proxy, resourcesRead, ignoreVmRoles };
}

/**
 * Reads and validates `kubevirt.roles`. A bad binding stops the backend at
 * startup with its index and subjects in the message, rather than silently
 * granting or denying something else.
 */
export function readKubevirtRolesConfig(config: Config): KubevirtRolesConfig {
  const roles = config.getOptionalConfig('kubevirt.roles');
  if (!roles) return { bindings: [] };
  const kubernetesPlugin = readKubernetesPluginGrants(roles);
  const rawBindings = roles.getOptional<unknown>('bindings') ?? [];
  if (!Array.isArray(rawBindings)) {
    throw new Error(
      'Invalid kubevirt.roles.bindings: expected a list of bindings',
    );
  }
  const bindings = rawBindings.map((raw, index) => {
    const result = bindingSchema.safeParse(raw);
    if (!result.success) {
      const subjects = Array.isArray((raw as { subjects?: unknown })?.subjects)
        ? ` (subjects ${(raw as { subjects: unknown[] }).subjects.join(', ')})`
        : '';
      throw new Error(
        `Invalid kubevirt.roles.bindings[${index}]${subjects}: ${describeIssues(
          result.error,
        )}`,
      );
    }
    const { subjects, role, scope } = result.data;
    return { subjects, role: role as VmRole, scope: toScope(scope) };
  });

  const defaultRole = roles.getOptional<unknown>('defaultRole');
  const rawDefaultScope = roles.getOptional<unknown>('defaultScope');
  if (defaultRole === undefined) {
    if (rawDefaultScope !== undefined) {
      throw new Error(
        'Invalid kubevirt.roles.defaultScope: it needs kubevirt.roles.defaultRole',
      );
    }
    return { bindings, kubernetesPlugin };
  }
  const role = roleSchema.safeParse(defaultRole);
  if (!role.success)
    throw new Error(
      `Invalid kubevirt.roles.defaultRole: ${describeIssues(role.error)}`,
    );
  const defaultScope = scopeSchema.safeParse(rawDefaultScope);
  if (!defaultScope.success) {
    throw new Error(
      `Invalid kubevirt.roles.defaultScope: ${describeIssues(
        defaultScope.error,
      )}`,
    );
  }
  return {
    bindings,
    defaultBinding: {
      role: role.data as VmRole,
      scope: toScope(defaultScope.data),
    },
    kubernetesPlugin,
  };
}
