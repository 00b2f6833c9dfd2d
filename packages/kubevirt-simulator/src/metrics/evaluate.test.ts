import { KubeObject, StoreEvent } from '../store/store';
import { Evaluator, Sample } from './evaluate';
import { VmHistory } from './history';
import { parse } from './promql';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);

function vmi(uid: string, paused = false): KubeObject {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { namespace: 'team-a', name: 'demo', uid },
    spec: {
      domain: {
        cpu: { sockets: 2 },
        memory: { guest: '4Gi' },
        devices: { disks: [{ name: 'rootdisk' }] },
      },
    },
    status: {
      phase: 'Running',
      nodeName: 'node-a',
      conditions: paused ? [{ type: 'Paused', status: 'True' }] : [],
    },
  };
}

describe('metrics follow the VM state', () => {
  let now = T0;
  const history = new VmHistory(() => now);
  const evaluator = new Evaluator(history, () => now);
  const emit = (type: StoreEvent['type'], object: KubeObject) =>
    history.observe({
      type,
      typeKey: 'kubevirt.io/virtualmachineinstances',
      object,
      rv: 0,
    });
  const samples = (query: string): Sample[] =>
    (evaluator.instant(parse(query), now) as { samples: Sample[] }).samples;
  const one = (query: string) => {
    const s = samples(query);
    expect(s).toHaveLength(1);
    return s[0].value;
  };

  it('rises after start, holds still while paused, disappears when stopped and restarts from zero', () => {
    emit('ADDED', vmi('first'));
    now += 20 * MINUTE;
    const cpuAt20 = one('sum(kubevirt_vmi_vcpu_seconds_total)');
    expect(cpuAt20).toBeGreaterThan(0);
    expect(
      one('sum(rate(kubevirt_vmi_vcpu_seconds_total[5m]))'),
    ).toBeGreaterThan(0);
    const memoryAt20 = one('kubevirt_vmi_memory_used_bytes');

    emit('MODIFIED', vmi('first', true));
    now += 10 * MINUTE;
    expect(one('sum(increase(kubevirt_vmi_vcpu_seconds_total[5m]))')).toBe(0);
    expect(one('rate(kubevirt_vmi_network_receive_bytes_total[5m])')).toBe(0);
    expect(one('sum(kubevirt_vmi_vcpu_seconds_total)')).toBeCloseTo(cpuAt20, 0);
    expect(one('kubevirt_vmi_memory_used_bytes')).toBe(memoryAt20);

    emit('MODIFIED', vmi('first'));
    now += 10 * MINUTE;
    expect(
      one('sum(rate(kubevirt_vmi_vcpu_seconds_total[5m]))'),
    ).toBeGreaterThan(0);
    const beforeStop = one('sum(kubevirt_vmi_vcpu_seconds_total)');

    emit('DELETED', vmi('first'));
    expect(samples('kubevirt_vmi_vcpu_seconds_total')).toEqual([]);
    now += 3 * MINUTE;
    expect(samples('kubevirt_vmi_memory_used_bytes')).toEqual([]);

    emit('ADDED', vmi('second'));
    now += 5 * MINUTE;
    expect(one('sum(kubevirt_vmi_vcpu_seconds_total)')).toBeLessThan(
      beforeStop,
    );
    // the counter reset does not show as a negative rate
    const rate = one('sum(rate(kubevirt_vmi_vcpu_seconds_total[10m]))');
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThanOrEqual(2);

    const range = evaluator.range(
      parse('kubevirt_vmi_memory_used_bytes'),
      T0,
      now,
      MINUTE,
    );
    expect(range).toHaveLength(1);
    const times = range[0].points.map(p => p[0]);
    // absent from the stop until the restart three minutes later
    expect(times).toContain(T0 + 39 * MINUTE);
    for (const gap of [40, 41, 42])
      expect(times).not.toContain(T0 + gap * MINUTE);
    expect(times).toContain(T0 + 43 * MINUTE);
    expect(times).toContain(now);
  });

  it('scrapes a VMI when it starts, so the CPU rate shows by the next scrape', () => {
    now = T0 + 24 * 3_600_000 + 3_000;
    emit('ADDED', {
      ...vmi('third'),
      metadata: { namespace: 'team-b', name: 'fresh', uid: 'third' },
    });
    expect(
      samples('kubevirt_vmi_memory_used_bytes{name="fresh"}'),
    ).toHaveLength(1);
    expect(
      samples('rate(kubevirt_vmi_vcpu_seconds_total{name="fresh"}[1m])'),
    ).toEqual([]);
    now += 7_000;
    const rates = samples(
      'rate(kubevirt_vmi_vcpu_seconds_total{name="fresh"}[1m])',
    );
    expect(rates).toHaveLength(2);
    for (const r of rates) expect(r.value).toBeGreaterThan(0);
  });
});
