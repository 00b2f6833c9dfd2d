import { Boot, seeded } from './history';

export type Labels = Record<string, string>;

/** One metric of one boot: its labels and its value at any time the boot ran (ms). */
export interface BootSeries {
  labels: Labels;
  boot: Boot;
  value(t: number): number;
}

// seconds from here keep the trigonometry precise
const EPOCH_S = Date.UTC(2026, 0, 1) / 1000;
const TAU = 2 * Math.PI;

/**
 * A positive rate that wanders: a base level times a sum of slow waves,
 * plus a burst that decays after boot. Its integral has a closed form, so a
 * counter's value at any time is exact and cheap, however long the VM ran.
 */
class Signal {
  private readonly waves: {
    amplitude: number;
    period: number;
    phase: number;
  }[];

  constructor(
    private readonly base: number,
    seed: string,
    private readonly burst = 0,
    private readonly burstSeconds = 60,
    variation = 0.7,
  ) {
    const weights = [0.25, 0.45, 0.3];
    const periods = [89, 397, 1511];
    this.waves = weights.map((w, i) => ({
      amplitude: variation * w,
      period: periods[i] * (0.8 + 0.4 * seeded(`${seed}:period:${i}`)),
      phase: TAU * seeded(`${seed}:phase:${i}`),
    }));
  }

  /** ∫ rate over [a, b] (seconds since EPOCH_S) for a boot that started at `start`. */
  integral(a: number, b: number, start: number) {
    let v = this.base * (b - a);
    for (const w of this.waves) {
      const k = TAU / w.period;
      v -=
        ((this.base * w.amplitude) / k) *
        (Math.cos(k * b + w.phase) - Math.cos(k * a + w.phase));
    }
    if (this.burst) {
      const tau = this.burstSeconds;
      v +=
        this.burst *
        tau *
        (Math.exp(-(a - start) / tau) - Math.exp(-(b - start) / tau));
    }
    return v;
  }

  wave(t: number) {
    return this.waves.reduce(
      (sum, w) => sum + w.amplitude * Math.sin((TAU / w.period) * t + w.phase),
      0,
    );
  }
}

/** The spans (seconds since EPOCH_S) the boot ran unpaused, up to t (ms). */
function activeSpans(boot: Boot, t: number): [number, number][] {
  const stop = Math.min(boot.end ?? Infinity, t);
  let cursor = boot.start;
  const spans: [number, number][] = [];
  for (const p of boot.pauses) {
    if (p.from >= stop) break;
    if (p.from > cursor) spans.push([cursor, p.from]);
    cursor = Math.max(cursor, p.to ?? Infinity);
  }
  if (cursor < stop) spans.push([cursor, stop]);
  return spans.map(([a, b]) => [a / 1000 - EPOCH_S, b / 1000 - EPOCH_S]);
}

/** The time a gauge shows at t: frozen at the start of a pause. */
function effectiveTime(boot: Boot, t: number) {
  const pause = boot.pauses.find(
    p => p.from <= t && (p.to === undefined || p.to > t),
  );
  return (pause ? pause.from : t) / 1000 - EPOCH_S;
}

const counter = (boot: Boot, signal: Signal) => (t: number) => {
  const start = boot.start / 1000 - EPOCH_S;
  return activeSpans(boot, t).reduce(
    (sum, [a, b]) => sum + signal.integral(a, b, start),
    0,
  );
};

/**
 * The kubevirt_vmi_* series virt-handler exports for a running VMI (names
 * and labels from pkg/monitoring/metrics/virt-handler/domainstats), with
 * values seeded by the VM's namespace/name: CPU, memory, network and
 * storage. Counters rise only while the VMI runs unpaused; gauges hold still
 * while it is paused.
 */
export function seriesOfBoot(boot: Boot): BootSeries[] {
  const key = `${boot.namespace}/${boot.name}`;
  const r = (what: string) => seeded(`${what}:${key}`);
  const common: Labels = {
    job: 'kubevirt-prometheus-metrics',
    namespace: boot.namespace,
    name: boot.name,
    node: boot.node,
  };
  const out: BootSeries[] = [];
  const add = (name: string, labels: Labels, value: (t: number) => number) =>
    out.push({ labels: { __name__: name, ...common, ...labels }, boot, value });

  const cpuBase = 0.04 + 0.4 * r('cpu');
  const vcpuCounters = Array.from({ length: boot.vcpus }, (_, i) => {
    const base = Math.min(0.9, cpuBase * (0.7 + 0.6 * r(`cpu${i}`)));
    return counter(
      boot,
      new Signal(base, `${key}:vcpu${i}`, Math.max(0, 0.9 - base), 60, 0.6),
    );
  });
  vcpuCounters.forEach((c, i) =>
    add(
      'kubevirt_vmi_vcpu_seconds_total',
      { id: String(i), state: 'running' },
      c,
    ),
  );
  // vCPU time plus the hypervisor's share
  add(
    'kubevirt_vmi_cpu_usage_seconds_total',
    {},
    t => vcpuCounters.reduce((s, c) => s + c(t), 0) * 1.04,
  );

  const memory = boot.memoryBytes;
  const available = Math.round(memory * 0.96);
  const high = 0.25 + 0.45 * r('memory');
  const memWave = new Signal(1, `${key}:memory`, 0, 60, 0.05);
  const used = (t: number) => {
    const te = effectiveTime(boot, t);
    const uptime = Math.max(0, te - (boot.start / 1000 - EPOCH_S));
    const level =
      0.12 + (high - 0.12) * (1 - Math.exp(-uptime / 300)) + memWave.wave(te);
    return Math.round(available * Math.min(0.95, level));
  };
  add('kubevirt_vmi_memory_domain_bytes', {}, () => memory);
  add('kubevirt_vmi_memory_available_bytes', {}, () => available);
  add('kubevirt_vmi_memory_usable_bytes', {}, t => available - used(t));
  add('kubevirt_vmi_memory_used_bytes', {}, used);
  add('vmi:kubevirt_vmi_memory_used_bytes:sum', {}, used);

  const rx = 2e3 + 2e5 * r('rx') ** 2;
  const tx = rx * (0.2 + 0.6 * r('tx'));
  add(
    'kubevirt_vmi_network_receive_bytes_total',
    { interface: 'default' },
    counter(boot, new Signal(rx, `${key}:rx`, rx * 4, 120)),
  );
  add(
    'kubevirt_vmi_network_transmit_bytes_total',
    { interface: 'default' },
    counter(boot, new Signal(tx, `${key}:tx`, tx * 2, 120)),
  );

  boot.drives.forEach((drive, i) => {
    const share = i === 0 ? 1 : 0.1;
    const read = (5e3 + 3e5 * r(`read${i}`) ** 2) * share;
    const write = (1e4 + 4e5 * r(`write${i}`) ** 2) * share;
    add(
      'kubevirt_vmi_storage_read_traffic_bytes_total',
      { drive },
      counter(boot, new Signal(read, `${key}:read${i}`, 3e7 * share, 40, 0.8)),
    );
    add(
      'kubevirt_vmi_storage_write_traffic_bytes_total',
      { drive },
      counter(
        boot,
        new Signal(write, `${key}:write${i}`, 2e6 * share, 60, 0.8),
      ),
    );
  });
  return out;
}
