import {
  VmMetricsResponse,
  VmRef,
} from '@kubevirt-backstage/plugin-kubevirt-common';

/** An hour of plausible series of a running VM, ending now: for tests and the fake API. */
export function metricsFixture(
  ref: VmRef,
  options: { cpuScale?: number; empty?: boolean } = {},
): VmMetricsResponse {
  const end = Math.floor(Date.now() / 60_000) * 60;
  const start = end - 3600;
  const series = (
    metric: string,
    unit: 'cores' | 'bytes' | 'bytesPerSecond',
    f: (i: number) => number,
  ) => ({
    metric,
    unit,
    points: options.empty
      ? []
      : Array.from({ length: 61 }, (_, i) => ({ t: start + i * 60, v: f(i) })),
  });
  const scale = options.cpuScale ?? 1;
  return {
    ...ref,
    start,
    end,
    step: 60,
    queries: {
      cpu: `sum(rate(kubevirt_vmi_vcpu_seconds_total{namespace="${ref.namespace}",name="${ref.name}"}[120s]))`,
    },
    series: [
      series('cpu', 'cores', i => scale * (0.2 + 0.1 * Math.sin(i / 5))),
      series('memory', 'bytes', () => 1.5 * 2 ** 30),
      series('networkRx', 'bytesPerSecond', i => 2048 + i),
      series('networkTx', 'bytesPerSecond', () => 512),
      series('storageRead', 'bytesPerSecond', () => 4096),
      series('storageWrite', 'bytesPerSecond', () => 8192),
    ],
  };
}
