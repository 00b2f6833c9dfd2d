import { ClusterCapabilities } from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubeObject } from '../../cache/ResourceCache';
import { PrometheusClient } from '../../metrics/PrometheusClient';
import { apiGroupListPath, apiGroups, apiPath } from '../apiPath';
import { ClusterClient } from '../ClusterClient';
import { checkRights, rightsFor } from '../rights/checkRights';
import { RightFeature } from '../rights/brokerRights';
import { gateEnabled } from './featureGates';

const { cdi, instancetype, kubevirt, snapshot } = apiGroups;

interface ApiGroupList {
  groups?: { name: string }[];
}

const describe = (error: unknown) => {
  const e = error as { statusCode?: number; message?: string };
  return e?.statusCode
    ? `${e.statusCode} ${e.message ?? ''}`.trim()
    : String(e?.message ?? error);
};

/**
 * One look at what a cluster can do: the API groups it serves (discovery),
 * the KubeVirt CR's version, feature gates and rollout strategy, whether
 * its Prometheus answers, and which of the rights it needs the broker lacks. A CR the broker may not read is said in `warnings`
 * and assumes every gate on, so a missing right never hides an action that
 * the cluster would run; discovery failing is an error (the caller retries).
 */
export async function probeCapabilities(
  client: ClusterClient,
  prometheus: PrometheusClient | undefined,
  now = () => Date.now(),
): Promise<ClusterCapabilities> {
  const cluster = client.cluster.name;
  const warnings: string[] = [];
  const features = new Set<RightFeature>(
    client.cluster.impersonate ? ['impersonation'] : [],
  );
  const [discovery, kubevirts, metrics, missingRights] = await Promise.all([
    client.request<ApiGroupList>('GET', apiGroupListPath),
    client
      .request<{ items?: KubeObject[] }>(
        'GET',
        apiPath({ ...kubevirt, resource: 'kubevirts' }),
      )
      .then(
        list => list.items ?? [],
        error => {
          warnings.push(
            `cannot read the KubeVirt CR on cluster ${cluster} (${describe(
              error,
            )}): feature gates unknown, none assumed missing`,
          );
          return undefined;
        },
      ),
    prometheus
      ? prometheus.queryRange('vector(1)', now() / 1000, now() / 1000, 1).then(
          () => true,
          error => {
            warnings.push(
              `Prometheus of cluster ${cluster} did not answer: ${describe(
                error,
              )}`,
            );
            return false;
          },
        )
      : Promise.resolve(false),
    checkRights(client, rightsFor(features)).catch(error => {
      warnings.push(
        `cannot check the broker's rights on cluster ${cluster} (${describe(
          error,
        )}): none assumed missing`,
      );
      return undefined;
    }),
  ]);
  const groups = new Set((discovery.groups ?? []).map(g => g.name));
  if (kubevirts && !kubevirts.length)
    warnings.push(
      `no KubeVirt CR on cluster ${cluster}: feature gates unknown, none assumed missing`,
    );
  const kv = kubevirts?.[0];
  const configuration = kv?.spec?.configuration ?? {};
  const known = !!kv;
  const version: string | undefined =
    kv?.status?.observedKubeVirtVersion ?? kv?.status?.targetKubeVirtVersion;
  const featureGates: string[] =
    configuration.developerConfiguration?.featureGates ?? [];
  // unknown gates (CR unreadable) count as on: the cluster, not the portal, then says no
  const gate = (name: string) =>
    !known || gateEnabled(name, version, featureGates);
  // unset is virt-config's DefaultVMRolloutStrategy, Stage (pkg/virt-config/virt-config.go): no live CPU/memory changes
  const vmRolloutStrategy: string | undefined = known
    ? configuration.vmRolloutStrategy ?? 'Stage'
    : undefined;
  return {
    probedAt: new Date(now()).toISOString(),
    ...(version ? { kubevirtVersion: version } : {}),
    ...(known ? { featureGates, vmRolloutStrategy } : {}),
    cdi: groups.has(cdi.group),
    instancetypes: groups.has(instancetype.group),
    snapshots: groups.has(snapshot.group) && gate('Snapshot'),
    liveMigration: gate('LiveMigration'),
    // HotplugVolumes is replaced by DeclarativeHotplugVolumes from v1.9 on (featuregate/inactive.go)
    hotplugVolumes: gate('HotplugVolumes') || gate('DeclarativeHotplugVolumes'),
    expandDisks: gate('ExpandDisks'),
    hotplugNics: gate('HotplugNICs'),
    cpuMemoryHotplug:
      gate('VMLiveUpdateFeatures') &&
      (!known || vmRolloutStrategy === 'LiveUpdate'),
    metrics,
    ...(missingRights ? { missingRights } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}
