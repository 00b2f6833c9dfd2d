import { DEFAULT_OBJECTS } from '@backstage/plugin-kubernetes-backend';
import { BrokerRight } from './brokerRights';

/**
 * What the Kubernetes plugin reads with a cluster's token (its default object
 * types, and pod metrics unless `skipMetricsLookup`): needed too when the
 * broker's token is shared with it, i.e. the cluster is configured once in
 * `kubernetes.clusterLocatorMethods`. Custom resources it is configured to read
 * (`kubernetes.customResources`) need `list` as well.
 */
export const kubernetesPluginRights: readonly BrokerRight[] = [
  ...DEFAULT_OBJECTS.map(o => ({
    group: o.group,
    resource: o.plural,
    verbs: ['list'],
    why: `the Kubernetes plugin's ${o.objectType}`,
    feature: 'kubernetesPlugin' as const,
  })),
  {
    group: 'metrics.k8s.io',
    resource: 'pods',
    verbs: ['list'],
    why: "the Kubernetes plugin's pod CPU and memory (unless skipMetricsLookup)",
    feature: 'kubernetesPlugin',
  },
];
