import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  NotImplementedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  MetricSeries,
  MetricsRange,
  VmMetricsResponse,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { metricsQuery } from '../schema/queries';
import { parseInput } from '../service/schemas';
import { VmAccess } from '../service/access/VmAccess';
import { VmRef } from '../service/VmRef';
import { vmNotInCache } from '../service/operations/clusterCalls';
import { PrometheusClient } from './PrometheusClient';
import { PrometheusConfig } from './prometheusConfig';

/** Range → seconds and step: about 60–72 points per chart, never finer than the 15 s scrape interval. */
const ranges: Record<MetricsRange, { seconds: number; step: number }> = {
  '15m': { seconds: 15 * 60, step: 15 },
  '1h': { seconds: 3600, step: 60 },
  '6h': { seconds: 6 * 3600, step: 300 },
};

/** The KubeVirt metric families behind each chart (virt-handler's names). */
const metrics: {
  metric: string;
  unit: MetricSeries['unit'];
  query: (selector: string, window: string) => string;
}[] = [
  {
    metric: 'cpu',
    unit: 'cores',
    query: (s, w) => `sum(rate(kubevirt_vmi_vcpu_seconds_total{${s}}[${w}]))`,
  },
  {
    metric: 'memory',
    unit: 'bytes',
    query: s => `sum(kubevirt_vmi_memory_used_bytes{${s}})`,
  },
  {
    metric: 'networkRx',
    unit: 'bytesPerSecond',
    query: (s, w) =>
      `sum(rate(kubevirt_vmi_network_receive_bytes_total{${s}}[${w}]))`,
  },
  {
    metric: 'networkTx',
    unit: 'bytesPerSecond',
    query: (s, w) =>
      `sum(rate(kubevirt_vmi_network_transmit_bytes_total{${s}}[${w}]))`,
  },
  {
    metric: 'storageRead',
    unit: 'bytesPerSecond',
    query: (s, w) =>
      `sum(rate(kubevirt_vmi_storage_read_traffic_bytes_total{${s}}[${w}]))`,
  },
  {
    metric: 'storageWrite',
    unit: 'bytesPerSecond',
    query: (s, w) =>
      `sum(rate(kubevirt_vmi_storage_write_traffic_bytes_total{${s}}[${w}]))`,
  },
];

// PromQL string literal: escape backslash and double quote
const literal = (value: string) =>
  `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A VM's CPU, memory, network and storage series for charts, from its cluster's Prometheus. */
export class VmMetrics {
  private readonly clients = new Map<string, PrometheusClient>();

  constructor(
    private readonly vms: VmAccess,
    configs: Map<string, PrometheusConfig>,
    private readonly now = () => Date.now(),
  ) {
    for (const [cluster, config] of configs)
      this.clients.set(cluster, new PrometheusClient(config));
  }

  async get(
    ref: VmRef,
    query: unknown,
    credentials: BackstageCredentials,
  ): Promise<VmMetricsResponse> {
    await this.vms.authorize(ref, 'read', credentials);
    const { range = '1h' } = parseInput(metricsQuery, query, 'query');
    const cache = this.vms.mustCluster(ref);
    if (!cache.vms.get(ref.namespace, ref.name)) throw vmNotInCache(cache, ref);
    const client = this.clients.get(ref.cluster);
    if (!client) {
      throw new NotImplementedError(
        `No Prometheus is configured for cluster ${ref.cluster}: set kubevirt.prometheus.${ref.cluster}.url in app-config.yaml to a Prometheus-compatible API that scrapes KubeVirt (kubevirt_vmi_* metrics)`,
      );
    }
    const { seconds, step } = ranges[range];
    // aligned to the step so consecutive refreshes line up point for point
    const end = Math.floor(this.now() / 1000 / step) * step;
    const start = end - seconds;
    const window = `${Math.max(60, step * 2)}s`;
    const selector = `namespace=${literal(ref.namespace)},name=${literal(
      ref.name,
    )}`;
    const queries = Object.fromEntries(
      metrics.map(m => [m.metric, m.query(selector, window)]),
    );
    let results;
    try {
      results = await Promise.all(
        metrics.map(m =>
          client.queryRange(queries[m.metric], start, end, step),
        ),
      );
    } catch (error) {
      throw new ServiceUnavailableError(
        `Metrics of virtual machine ${ref.namespace}/${ref.name} on cluster ${
          ref.cluster
        }: Prometheus at ${client.config.url} answered ${
          (error as Error).message
        }`,
      );
    }
    const series: MetricSeries[] = metrics.map((m, i) => ({
      metric: m.metric,
      unit: m.unit,
      // a stopped VM has no series: an empty chart, not an error
      points: (results[i][0]?.values ?? [])
        .map(([t, v]) => ({ t: Number(t), v: Number(v) }))
        .filter(p => Number.isFinite(p.v)),
    }));
    return { ...ref, start, end, step, queries, series };
  }

  configured(cluster: string) {
    return this.clients.has(cluster);
  }
}
