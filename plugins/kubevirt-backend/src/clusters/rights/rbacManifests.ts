import { BrokerRight, brokerRights } from './brokerRights';
import { kubernetesPluginRights } from './kubernetesPluginRights';

/** Where the broker runs, as the generated manifests name it (docs/install.md uses the same). */
export const brokerServiceAccount = {
  name: 'backstage-kubevirt',
  namespace: 'backstage',
};

const source = 'plugins/kubevirt-backend/src/clusters/rights/brokerRights.ts';

const flow = (values: readonly string[]) =>
  `[${values.map(v => (v === '' ? "''" : v)).join(', ')}]`;

function rule(right: BrokerRight) {
  return [
    `  # ${right.why}`,
    `  - apiGroups: ${flow([right.group])}`,
    `    resources: ${flow([right.resource])}`,
    `    verbs: ${flow(right.verbs)}`,
  ].join('\n');
}

function clusterRole(name: string, rights: readonly BrokerRight[]) {
  return [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata:',
    `  name: ${name}`,
    'rules:',
    ...rights.map(rule),
  ].join('\n');
}

function binding(name: string) {
  return [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRoleBinding',
    'metadata:',
    `  name: ${name}`,
    'roleRef:',
    '  apiGroup: rbac.authorization.k8s.io',
    '  kind: ClusterRole',
    `  name: ${name}`,
    'subjects:',
    '  - kind: ServiceAccount',
    `    name: ${brokerServiceAccount.name}`,
    `    namespace: ${brokerServiceAccount.namespace}`,
  ].join('\n');
}

const header = (what: string[]) =>
  [
    `# Generated from ${source}`,
    '# by `yarn rbac:generate` (in plugins/kubevirt-backend): edit the list there, not this file.',
    ...what.map(line => `# ${line}`),
  ].join('\n');

/** The manifests of the broker's rights, by file name under docs/: the required ones, and one file per optional part. */
export function rbacManifests(): Record<string, string> {
  const required = brokerRights.filter(r => !r.feature);
  const impersonation = brokerRights.filter(r => r.feature === 'impersonation');
  return {
    'broker-rbac.yaml': [
      `${header([
        "The broker's rights on every cluster (docs/install.md, section 5), cluster-wide: it lists and",
        'watches across all namespaces. It checks them on each cluster (SelfSubjectAccessReviews) and',
        'logs, shows in GET /clusters and disables what a missing one stops.',
      ])}\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${
        brokerServiceAccount.name
      }\n  namespace: ${brokerServiceAccount.namespace}`,
      clusterRole('backstage-kubevirt-broker', required),
      binding('backstage-kubevirt-broker'),
    ].join('\n---\n'),
    'broker-rbac-impersonation.yaml': [
      `${header([
        'Only for clusters with `impersonate: true`: the broker then acts as the signed-in user (the',
        "kube-apiserver's WithImpersonation filter checks the verb per user and group). Narrow each",
        'rule with resourceNames (the users and `backstage:` groups of your portal).',
      ])}\n${clusterRole('backstage-kubevirt-impersonator', impersonation)}`,
      binding('backstage-kubevirt-impersonator'),
    ].join('\n---\n'),
    'broker-rbac-kubernetes-plugin.yaml': [
      `${header([
        "Only when the broker's token is also the Kubernetes plugin's (the cluster is configured once in",
        'kubernetes.clusterLocatorMethods): what that plugin reads with it. Add `list` on every',
        'kubernetes.customResources entry (the VirtualMachines and instances are in broker-rbac.yaml).',
      ])}\n${clusterRole(
        'backstage-kubernetes-plugin-reader',
        kubernetesPluginRights,
      )}`,
      binding('backstage-kubernetes-plugin-reader'),
    ].join('\n---\n'),
  };
}
