import { MissingClusterRight } from '@kubevirt-backstage/plugin-kubevirt-common';
import { apiPath } from '../apiPath';
import { ClusterClient } from '../ClusterClient';
import { BrokerRight, brokerRights, RightFeature } from './brokerRights';

const authorization = { group: 'authorization.k8s.io', version: 'v1' };
const reviewPath = apiPath({
  ...authorization,
  resource: 'selfsubjectaccessreviews',
});
const rulesReviewPath = apiPath({
  ...authorization,
  resource: 'selfsubjectrulesreviews',
});

interface ResourceRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
}

const grants = (rule: ResourceRule, right: BrokerRight, verb: string) => {
  const has = (list: string[] | undefined, value: string) =>
    !!list?.some(v => v === '*' || v === value);
  return (
    has(rule.verbs, verb) &&
    has(rule.apiGroups, right.group) &&
    has(rule.resources, right.resource)
  );
};

/** Reviews in flight at once per cluster: enough to finish fast, few enough not to flood an apiserver. */
const CONCURRENCY = 8;

interface AccessReviewStatus {
  allowed?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** The rights a cluster must grant the broker: every required one, and those of the optional parts it uses there. */
export function rightsFor(features: ReadonlySet<RightFeature>) {
  return brokerRights.filter(r => !r.feature || features.has(r.feature));
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping their order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

/**
 * Asks the cluster, with one SelfSubjectAccessReview per verb and resource
 * and no namespace (the broker lists and watches across all namespaces, so
 * only a cluster-wide grant will do), which of the rights it may not use.
 * A SelfSubjectRulesReview is not enough: it answers for one namespace and,
 * on clusters with a webhook authorizer (GKE, EKS), may be incomplete; it is
 * asked only for rights usually granted for some names (impersonation), where
 * an access review without a name would say no. Fails when the cluster does
 * not answer the reviews.
 */
export async function checkRights(
  client: ClusterClient,
  rights: readonly BrokerRight[],
): Promise<MissingClusterRight[]> {
  const checks = rights.flatMap(right =>
    right.verbs.map(verb => ({ right, verb })),
  );
  // cluster-scoped rules are the same in every namespace: one rules review answers for all named rights
  const rules = rights.some(r => r.narrowedByName)
    ? await client.request<{
        status?: { resourceRules?: ResourceRule[]; incomplete?: boolean };
      }>('POST', rulesReviewPath, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectRulesReview',
        spec: { namespace: 'default' },
      })
    : undefined;
  const answers = await mapLimited(
    checks,
    CONCURRENCY,
    async ({ right, verb }): Promise<{ status?: AccessReviewStatus }> => {
      if (right.narrowedByName) {
        const held = (rules?.status?.resourceRules ?? []).some(rule =>
          grants(rule, right, verb),
        );
        // an incomplete answer (another authorizer decides too) cannot tell a missing right
        return {
          status: { allowed: held || !!rules?.status?.incomplete },
        };
      }
      const [resource, subresource] = right.resource.split('/', 2);
      return client.request<{ status?: AccessReviewStatus }>(
        'POST',
        reviewPath,
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              group: right.group,
              resource,
              ...(subresource ? { subresource } : {}),
              verb,
            },
          },
        },
      );
    },
  );
  return checks
    .filter((_, i) => !answers[i].status?.allowed)
    .map(({ right, verb }) => ({
      group: right.group,
      resource: right.resource,
      verb,
      why: right.why,
      ...(right.operations?.length
        ? { operations: [...right.operations] }
        : {}),
      ...(right.feature ? { feature: right.feature } : {}),
    }));
}

/** `update virtualmachines/migrate (subresources.kubevirt.io)`: a right as the log and the UI name it. */
export function describeRight(right: {
  group: string;
  resource: string;
  verb: string;
}) {
  return `${right.verb} ${right.resource} (${
    right.group === '' ? 'core' : right.group
  })`;
}
