import {
  GoldenImageOption,
  InstancetypeOption,
  PreferenceOption,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { ClusterCache } from '../../cache/ClusterCache';
import { KubeObject } from '../../cache/ResourceCache';
import { ApiPath, apiGroups, apiPath } from '../../clusters/apiPath';
import { KubernetesStatusError } from '../../clusters/ClusterClient';
import { asBroker } from '../../clusters/impersonation';

const { core, cdi, instancetype } = apiGroups;
const IT = (resource: string) => apiPath({ ...instancetype, resource });

/**
 * Reads of things the broker does not watch (namespaces, instancetypes,
 * preferences, DataSources): they change rarely, so each list is kept for a
 * short while instead of asking the cluster on every form render.
 */
export class ClusterReads {
  private readonly entries = new Map<
    string,
    { at: number; value: Promise<KubeObject[]> }
  >();

  constructor(private readonly ttlMs = 15_000) {}

  private list(cache: ClusterCache, path: ApiPath): Promise<KubeObject[]> {
    const key = `${cache.name}${path}`;
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    // shared by every caller for a while: read as the broker, never as one user
    const value = asBroker(() =>
      cache.client.request<{ items: KubeObject[] }>('GET', path),
    )
      .then(r => r.items ?? [])
      .catch(error => {
        this.entries.delete(key);
        // a kind the cluster does not serve has no items
        if (error instanceof KubernetesStatusError && error.statusCode === 404)
          return [];
        throw error;
      });
    this.entries.set(key, { at: Date.now(), value });
    return value;
  }

  async namespaces(cache: ClusterCache): Promise<string[]> {
    const items = await this.list(
      cache,
      apiPath({ ...core, resource: 'namespaces' }),
    );
    return items
      .filter(n => n.status?.phase !== 'Terminating')
      .map(n => n.metadata.name)
      .sort();
  }

  async instancetypes(
    cache: ClusterCache,
    namespace?: string,
  ): Promise<InstancetypeOption[]> {
    const [cluster, namespaced] = await Promise.all([
      this.list(cache, IT('virtualmachineclusterinstancetypes')),
      this.list(cache, IT('virtualmachineinstancetypes')),
    ]);
    const option = (
      o: KubeObject,
      scope: 'cluster' | 'namespace',
    ): InstancetypeOption => ({
      name: o.metadata.name,
      scope,
      ...(scope === 'namespace' ? { namespace: o.metadata.namespace } : {}),
      cpu: o.spec?.cpu?.guest,
      memory: o.spec?.memory?.guest,
      displayName: (
        o.metadata.annotations as Record<string, string> | undefined
      )?.['instancetype.kubevirt.io/displayName'],
      class: o.metadata.labels?.['instancetype.kubevirt.io/class'],
    });
    return [
      ...cluster.map(o => option(o, 'cluster')),
      ...namespaced
        .filter(o => !namespace || o.metadata.namespace === namespace)
        .map(o => option(o, 'namespace')),
    ];
  }

  async preferences(
    cache: ClusterCache,
    namespace?: string,
  ): Promise<PreferenceOption[]> {
    const [cluster, namespaced] = await Promise.all([
      this.list(cache, IT('virtualmachineclusterpreferences')),
      this.list(cache, IT('virtualmachinepreferences')),
    ]);
    const option = (
      o: KubeObject,
      scope: 'cluster' | 'namespace',
    ): PreferenceOption => {
      const annotations = (o.metadata.annotations ?? {}) as Record<
        string,
        string
      >;
      return {
        name: o.metadata.name,
        scope,
        ...(scope === 'namespace' ? { namespace: o.metadata.namespace } : {}),
        displayName:
          annotations['openshift.io/display-name'] ??
          annotations['instancetype.kubevirt.io/displayName'],
      };
    };
    return [
      ...cluster.map(o => option(o, 'cluster')),
      ...namespaced
        .filter(o => !namespace || o.metadata.namespace === namespace)
        .map(o => option(o, 'namespace')),
    ];
  }

  async goldenImages(cache: ClusterCache): Promise<GoldenImageOption[]> {
    const items = await this.list(
      cache,
      apiPath({ ...cdi, resource: 'datasources' }),
    );
    return items.map(d => {
      const source = d.status?.source ?? d.spec?.source ?? {};
      const labels = d.metadata.labels ?? {};
      const annotations = (d.metadata.annotations ?? {}) as Record<
        string,
        string
      >;
      let src: GoldenImageOption['source'] = { type: 'other' };
      if (source.pvc)
        src = {
          type: 'pvc',
          name: source.pvc.name,
          namespace: source.pvc.namespace,
        };
      else if (source.snapshot)
        src = {
          type: 'snapshot',
          name: source.snapshot.name,
          namespace: source.snapshot.namespace,
        };
      else if (source.registry)
        src = { type: 'registry', url: source.registry.url };
      const preference = labels['instancetype.kubevirt.io/default-preference'];
      return {
        name: d.metadata.name,
        namespace: d.metadata.namespace ?? '',
        os: annotations['vm.kubevirt.io/os'] ?? preference ?? d.metadata.name,
        displayName: annotations['openshift.io/display-name'],
        ready: (d.status?.conditions ?? []).some(
          (c: { type: string; status: string }) =>
            c.type === 'Ready' && c.status === 'True',
        ),
        source: src,
        defaultInstancetype:
          labels['instancetype.kubevirt.io/default-instancetype'],
        defaultPreference: preference,
      };
    });
  }
}
