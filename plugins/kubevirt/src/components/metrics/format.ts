import { MetricSeries } from '@kubevirt-backstage/plugin-kubevirt-common';

const binary = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB"; bytes and rates in binary units, as kubectl and Grafana's KubeVirt boards show them. */
function formatBytes(value: number): string {
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < binary.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${binary[i]}`;
}

export function formatValue(value: number, unit: MetricSeries['unit']): string {
  if (unit === 'cores')
    return `${value < 0.1 ? value.toFixed(3) : value.toFixed(2)} cores`;
  if (unit === 'bytes') return formatBytes(value);
  return `${formatBytes(value)}/s`;
}

export function formatTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
  });
}
