import https from 'node:https';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(30_000);

function request(sim: Simulator, path: string, form?: Record<string, string>) {
  return new Promise<{ status: number; json: any }>((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = https.request(
      `${sim.prometheusUrl}${path}`,
      {
        method: form ? 'POST' : 'GET',
        ca: sim.caCert,
        headers: form
          ? { 'Content-Type': 'application/x-www-form-urlencoded' }
          : {},
      },
      res => {
        let text = '';
        res.on('data', d => {
          text += d;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode!, json: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const rangeOf = (sim: Simulator, query: string, seconds = 3600, step = 60) => {
  const end = Math.floor(Date.now() / 1000);
  return request(
    sim,
    `/api/v1/query_range?${new URLSearchParams({
      query,
      start: String(end - seconds),
      end: String(end),
      step: String(step),
    })}`,
  );
};
const instant = (sim: Simulator, query: string, time?: number) =>
  request(
    sim,
    `/api/v1/query?${new URLSearchParams({
      query,
      ...(time ? { time: String(time) } : {}),
    })}`,
  );

function put(sim: Simulator, path: string) {
  return new Promise<number>((resolve, reject) => {
    const req = https.request(
      `${sim.url}${path}`,
      {
        method: 'PUT',
        ca: sim.caCert,
        headers: { Authorization: `Bearer ${sim.tokens.admin}` },
      },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

describe('Prometheus API', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
  });
  afterEach(() => sim.stop());

  it('returns an hour of per-vCPU CPU rate for a running VM', async () => {
    const { status, json } = await rangeOf(
      sim,
      'rate(kubevirt_vmi_vcpu_seconds_total{namespace="payments",name="payments-db-0"}[5m])',
    );
    expect(status).toBe(200);
    expect(json.status).toBe('success');
    expect(json.data.resultType).toBe('matrix');
    // u1.large: two vCPUs
    expect(json.data.result.map((r: any) => r.metric.id).sort()).toEqual([
      '0',
      '1',
    ]);
    for (const series of json.data.result) {
      expect(series.metric).toMatchObject({
        namespace: 'payments',
        name: 'payments-db-0',
        state: 'running',
      });
      expect(series.metric.__name__).toBeUndefined();
      expect(series.values).toHaveLength(61);
      for (const [t, v] of series.values) {
        expect(typeof t).toBe('number');
        expect(Number(v)).toBeGreaterThan(0);
        expect(Number(v)).toBeLessThanOrEqual(1);
      }
      // it moves
      expect(
        new Set(series.values.map((p: [number, string]) => p[1])).size,
      ).toBeGreaterThan(30);
    }

    const byName = await rangeOf(
      sim,
      'sum by (name) (rate(kubevirt_vmi_vcpu_seconds_total{namespace="payments"}[5m]))',
      600,
      60,
    );
    expect(byName.json.data.result.map((r: any) => r.metric)).toEqual([
      { name: 'payments-db-0' },
      { name: 'payments-db-1' },
    ]);

    for (const metric of [
      'kubevirt_vmi_network_receive_bytes_total',
      'kubevirt_vmi_network_transmit_bytes_total',
      'kubevirt_vmi_storage_read_traffic_bytes_total',
      'kubevirt_vmi_storage_write_traffic_bytes_total',
    ]) {
      const r = await instant(sim, `rate(${metric}{name="payments-db-0"}[5m])`);
      expect(r.json.data.result).toHaveLength(1);
      expect(Number(r.json.data.result[0].value[1])).toBeGreaterThan(0);
    }
    const memory = await instant(
      sim,
      'kubevirt_vmi_memory_used_bytes{namespace="payments",name="payments-db-0"} / kubevirt_vmi_memory_domain_bytes{namespace="payments",name="payments-db-0"}',
    );
    expect(Number(memory.json.data.result[0].value[1])).toBeGreaterThan(0.05);
    expect(Number(memory.json.data.result[0].value[1])).toBeLessThan(1);
  });

  it('has no series for a stopped VM, and ends a VM series when it stops', async () => {
    expect(
      (
        await rangeOf(
          sim,
          'rate(kubevirt_vmi_vcpu_seconds_total{name="payments-batch"}[5m])',
        )
      ).json.data.result,
    ).toEqual([]);
    expect(
      (
        await instant(
          sim,
          'kubevirt_vmi_memory_used_bytes{name="payments-batch"}',
        )
      ).json.data.result,
    ).toEqual([]);

    expect(
      await put(
        sim,
        '/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-1/stop',
      ),
    ).toBe(202);
    await sim.settled();
    expect(
      (
        await instant(
          sim,
          'kubevirt_vmi_memory_used_bytes{name="payments-db-1"}',
        )
      ).json.data.result,
    ).toEqual([]);
    // the hour before the stop stays in history, and the series ends there
    const end = Date.now() / 1000;
    const history = await request(
      sim,
      `/api/v1/query_range?${new URLSearchParams({
        query: 'kubevirt_vmi_memory_used_bytes{name="payments-db-1"}',
        start: String(end - 3600),
        end: String(end),
        step: '60',
      })}`,
    );
    const values: [number, string][] = history.json.data.result[0].values;
    expect(values.length).toBeGreaterThan(50);
    expect(values[values.length - 1][0]).toBeLessThan(end);
  });

  it('gives the same series for the same VM in another simulator (seeded by name)', async () => {
    const other = await startSimulator({ port: 0, stageDelayMs: 0 });
    try {
      await other.settled();
      const time = Math.floor(Date.now() / 1000) - 600;
      const query =
        'rate(kubevirt_vmi_network_receive_bytes_total{namespace="orders",name="orders-worker-1"}[5m])';
      const [a, b] = await Promise.all([
        instant(sim, query, time),
        instant(other, query, time),
      ]);
      expect(Number(a.json.data.result[0].value[1])).toBeCloseTo(
        Number(b.json.data.result[0].value[1]),
        6,
      );
      const c = await instant(
        sim,
        'rate(kubevirt_vmi_network_receive_bytes_total{namespace="orders",name="bastion"}[5m])',
        time,
      );
      expect(c.json.data.result).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it("answers bad queries with Prometheus' error JSON", async () => {
    const bad = await instant(
      sim,
      'rate(kubevirt_vmi_vcpu_seconds_total{name="x"}[5m]',
    );
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: expect.stringMatching(
        /^invalid parameter "query": 1:\d+: parse error: /,
      ),
    });
    const wrongType = await instant(
      sim,
      'rate(kubevirt_vmi_vcpu_seconds_total)',
    );
    expect(wrongType.json.error).toBe(
      'invalid parameter "query": 1:1: parse error: expected type range vector in call to function "rate", got instant vector',
    );
    const end = Math.floor(Date.now() / 1000);
    const badStep = await request(
      sim,
      `/api/v1/query_range?query=up&start=${end - 60}&end=${end}&step=0`,
    );
    expect(badStep.status).toBe(400);
    expect(badStep.json.error).toBe(
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
    const noStart = await request(
      sim,
      `/api/v1/query_range?query=up&end=${end}&step=15`,
    );
    expect(noStart.json).toMatchObject({
      errorType: 'bad_data',
      error: 'invalid parameter "start": cannot parse "" to a valid timestamp',
    });
  });

  it('lists series, label names and label values', async () => {
    const series = await request(
      sim,
      `/api/v1/series?${new URLSearchParams({
        'match[]': '{namespace="payments",name="payments-db-0"}',
      })}`,
    );
    const names = series.json.data.map(
      (l: Record<string, string>) => l.__name__,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        'kubevirt_vmi_vcpu_seconds_total',
        'kubevirt_vmi_memory_used_bytes',
        'kubevirt_vmi_network_receive_bytes_total',
        'kubevirt_vmi_storage_read_traffic_bytes_total',
      ]),
    );
    const vms = await request(
      sim,
      `/api/v1/label/name/values?${new URLSearchParams({
        'match[]': 'kubevirt_vmi_memory_used_bytes',
      })}`,
    );
    expect(vms.json.data).toEqual(
      expect.arrayContaining(['payments-db-0', 'bastion']),
    );
    expect(vms.json.data).not.toContain('payments-batch');
    expect((await request(sim, '/api/v1/labels')).json.data).toEqual(
      expect.arrayContaining([
        '__name__',
        'namespace',
        'name',
        'node',
        'drive',
        'interface',
        'id',
      ]),
    );
    expect((await request(sim, '/api/v1/series')).json).toMatchObject({
      status: 'error',
      errorType: 'bad_data',
      error: 'no match[] parameter provided',
    });
  });

  it('accepts form POSTs, scalars and arithmetic', async () => {
    const end = Math.floor(Date.now() / 1000);
    const posted = await request(sim, '/api/v1/query_range', {
      query:
        'sum by (name) (rate(kubevirt_vmi_storage_write_traffic_bytes_total{namespace="platform"}[5m])) / 1024',
      start: String(end - 300),
      end: String(end),
      step: '1m',
    });
    expect(posted.status).toBe(200);
    expect(
      posted.json.data.result.map((r: any) => r.metric.name).sort(),
    ).toEqual(['bastion', 'build-agent']);
    const scalar = await instant(sim, '2 * 21', end);
    expect(scalar.json.data).toEqual({
      resultType: 'scalar',
      result: [end, '42'],
    });
  });
});
