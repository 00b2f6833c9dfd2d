import {
  createConditionExports,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { z } from 'zod/v4';
import {
  kubevirtNamespaceResourceRef,
  kubevirtVmResourceRef,
} from './resources';

const clusters = z.object({
  clusters: z.array(z.string()).describe('Cluster names, as configured'),
});
const namespaces = z.object({
  namespaces: z
    .array(z.string())
    .describe(
      'Namespaces, either `<namespace>` (any cluster) or `<cluster>/<namespace>`',
    ),
});

const inNamespace = (
  resource: { cluster: string; namespace: string },
  values: string[],
) =>
  values.some(
    v =>
      v === resource.namespace ||
      v === `${resource.cluster}/${resource.namespace}`,
  );

/** Rules on VMs, registered by the broker so any policy can use them. */
export const kubevirtVmRules = {
  isInCluster: createPermissionRule({
    name: 'IS_IN_CLUSTER',
    description: 'The VM runs in one of the given clusters',
    resourceRef: kubevirtVmResourceRef,
    paramsSchema: clusters,
    apply: (vm, { clusters: values }) => values.includes(vm.cluster),
    toQuery: ({ clusters: values }) => ({ property: 'cluster', values }),
  }),
  isInNamespace: createPermissionRule({
    name: 'IS_IN_NAMESPACE',
    description: 'The VM is in one of the given namespaces',
    resourceRef: kubevirtVmResourceRef,
    paramsSchema: namespaces,
    apply: (vm, { namespaces: values }) => inNamespace(vm, values),
    toQuery: ({ namespaces: values }) => ({ property: 'namespace', values }),
  }),
  isOwnedBy: createPermissionRule({
    name: 'IS_OWNED_BY',
    description:
      'The VM belongs (backstage.io/kubernetes-id) to a catalog entity owned by one of the given refs',
    resourceRef: kubevirtVmResourceRef,
    paramsSchema: z.object({
      owners: z
        .array(z.string())
        .describe('Owner entity refs, e.g. group:default/team-a'),
    }),
    apply: (vm, { owners }) => vm.owners.some(o => owners.includes(o)),
    toQuery: ({ owners }) => ({ property: 'owner', values: owners }),
  }),
};

/** Rules on namespaces, for the create permission. */
export const kubevirtNamespaceRules = {
  isInCluster: createPermissionRule({
    name: 'IS_IN_CLUSTER',
    description: 'The namespace is in one of the given clusters',
    resourceRef: kubevirtNamespaceResourceRef,
    paramsSchema: clusters,
    apply: (ns, { clusters: values }) => values.includes(ns.cluster),
    toQuery: ({ clusters: values }) => ({ property: 'cluster', values }),
  }),
  isInNamespace: createPermissionRule({
    name: 'IS_IN_NAMESPACE',
    description: 'The namespace is one of the given ones',
    resourceRef: kubevirtNamespaceResourceRef,
    paramsSchema: namespaces,
    apply: (ns, { namespaces: values }) => inNamespace(ns, values),
    toQuery: ({ namespaces: values }) => ({ property: 'namespace', values }),
  }),
};

export const {
  conditions: kubevirtVmConditions,
  createConditionalDecision: createKubevirtVmConditionalDecision,
} = createConditionExports({
  resourceRef: kubevirtVmResourceRef,
  rules: kubevirtVmRules,
});

export const {
  conditions: kubevirtNamespaceConditions,
  createConditionalDecision: createKubevirtNamespaceConditionalDecision,
} = createConditionExports({
  resourceRef: kubevirtNamespaceResourceRef,
  rules: kubevirtNamespaceRules,
});
