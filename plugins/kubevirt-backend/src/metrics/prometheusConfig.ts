import { Config } from '@backstage/config';

/** Where one cluster's VM metrics are read: a Prometheus-compatible HTTP API. */
export interface PrometheusConfig {
  cluster: string;
  /** Base URL; `/api/v1/query_range` is appended. */
  url: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  bearerToken?: string;
}

/** `kubevirt.prometheus.<cluster>`: one entry per cluster that has metrics. */
export function readPrometheusConfig(
  config: Config,
): Map<string, PrometheusConfig> {
  const section = config.getOptionalConfig('kubevirt.prometheus');
  const result = new Map<string, PrometheusConfig>();
  for (const cluster of section?.keys() ?? []) {
    const c = section!.getConfig(cluster);
    result.set(cluster, {
      cluster,
      url: c.getString('url').replace(/\/+$/, ''),
      caData: c.getOptionalString('caData'),
      caFile: c.getOptionalString('caFile'),
      skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
      bearerToken: c.getOptionalString('bearerToken'),
    });
  }
  return result;
}
