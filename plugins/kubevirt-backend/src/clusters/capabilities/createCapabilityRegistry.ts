import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { ClusterCache } from '../../cache/ClusterCache';
import { PrometheusClient } from '../../metrics/PrometheusClient';
import { PrometheusConfig } from '../../metrics/prometheusConfig';
import { ClusterCapabilityRegistry } from './ClusterCapabilityRegistry';
import { probeCapabilities } from './probeCapabilities';

/** One capability probe per cluster (also one a locator adds later), timed by `kubevirt.capabilities`. */
export function createCapabilityRegistry(options: {
  clusters: Map<string, ClusterCache>;
  prometheus: Map<string, PrometheusConfig>;
  config: RootConfigService;
  logger: LoggerService;
}) {
  const { clusters, prometheus, config, logger } = options;
  const probeOf = (cluster: string) => {
    const cache = clusters.get(cluster);
    if (!cache) return undefined;
    const metrics = prometheus.get(cluster);
    const client = metrics ? new PrometheusClient(metrics) : undefined;
    return () => probeCapabilities(cache.client, client);
  };
  const seconds = (key: string, fallback: number) =>
    (config.getOptionalNumber(`kubevirt.capabilities.${key}`) ?? fallback) *
    1000;
  return new ClusterCapabilityRegistry(() => clusters.keys(), probeOf, logger, {
    refreshMs: seconds('refreshSeconds', 300),
    retryMs: seconds('retrySeconds', 15),
  });
}
