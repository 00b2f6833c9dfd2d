import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import type { Server } from 'node:http';
import request from 'supertest';
import { brokerHarness, eventually } from '../__testUtils__/harness';

jest.setTimeout(60_000);

describe('GET /vms/:cluster/:namespace/:name/metrics', () => {
  let east: Simulator;
  let west: Simulator;
  let server: Server;
  const { start } = brokerHarness();

  beforeAll(async () => {
    [east, west] = await Promise.all([
      startSimulator({ port: 0, stageDelayMs: 0 }),
      startSimulator({ port: 0, stageDelayMs: 0 }),
    ]);
    await Promise.all([east.settled(), west.settled()]);
    // east has a Prometheus (the simulator's own API); west has none
    server = (
      await start({ east, west }, undefined, {
        kubevirt: {
          prometheus: {
            east: {
              url: `${east.url}/prometheus`,
              caData: Buffer.from(east.caCert).toString('base64'),
            },
          },
        },
      })
    ).server;
  });
  afterAll(async () => {
    await Promise.all([east.stop(), west.stop()]);
  });

  const series = (body: any, metric: string) =>
    body.series.find((s: any) => s.metric === metric);

  it('answers an hour of CPU, memory, network and storage series of a running VM, ready for charts', async () => {
    const res = await request(server)
      .get('/api/kubevirt/vms/east/payments/payments-db-0/metrics?range=1h')
      .expect(200);
    expect(res.body).toMatchObject({
      cluster: 'east',
      namespace: 'payments',
      name: 'payments-db-0',
      step: 60,
    });
    expect(res.body.end - res.body.start).toBe(3600);
    expect(res.body.series.map((s: any) => [s.metric, s.unit])).toEqual([
      ['cpu', 'cores'],
      ['memory', 'bytes'],
      ['networkRx', 'bytesPerSecond'],
      ['networkTx', 'bytesPerSecond'],
      ['storageRead', 'bytesPerSecond'],
      ['storageWrite', 'bytesPerSecond'],
    ]);
    const cpu = series(res.body, 'cpu');
    // the simulator backfills more than an hour for VMs running at seed
    expect(cpu.points.length).toBeGreaterThanOrEqual(55);
    expect(
      cpu.points.every(
        (p: any) => p.v >= 0 && p.t >= res.body.start && p.t <= res.body.end,
      ),
    ).toBe(true);
    expect(cpu.points.some((p: any) => p.v > 0)).toBe(true);
    expect(series(res.body, 'memory').points.at(-1).v).toBeGreaterThan(2 ** 20);
    expect(series(res.body, 'networkRx').points.some((p: any) => p.v > 0)).toBe(
      true,
    );
    expect(series(res.body, 'storageWrite').points.length).toBeGreaterThan(0);
    expect(res.body.queries.cpu).toBe(
      'sum(rate(kubevirt_vmi_vcpu_seconds_total{namespace="payments",name="payments-db-0"}[120s]))',
    );
  });

  it('answers empty series for a stopped VM, and points once it runs', async () => {
    const stopped = await request(server)
      .get('/api/kubevirt/vms/east/payments/payments-batch/metrics')
      .expect(200);
    expect(stopped.body.series.every((s: any) => s.points.length === 0)).toBe(
      true,
    );
    await request(server)
      .post('/api/kubevirt/vms/east/payments/payments-batch/start')
      .send({})
      .expect(202);
    const running = await eventually(
      () =>
        request(server).get(
          '/api/kubevirt/vms/east/payments/payments-batch/metrics?range=15m',
        ),
      r => series(r.body, 'memory')?.points.length > 0,
      30_000,
    );
    expect(running.body.step).toBe(15);
    expect(series(running.body, 'memory').points.length).toBeGreaterThan(0);
  });

  it('says how to configure Prometheus for a cluster without one (501)', async () => {
    const res = await request(server)
      .get('/api/kubevirt/vms/west/payments/payments-db-0/metrics')
      .expect(501);
    expect(res.body.error).toMatchObject({ name: 'NotImplementedError' });
    expect(res.body.error.message).toContain('kubevirt.prometheus.west.url');
  });

  it('rejects an unknown range (400) and an unknown VM (404)', async () => {
    const bad = await request(server)
      .get('/api/kubevirt/vms/east/payments/payments-db-0/metrics?range=2d')
      .expect(400);
    expect(bad.body.error.message).toContain('range');
    const missing = await request(server)
      .get('/api/kubevirt/vms/east/payments/nope/metrics')
      .expect(404);
    expect(missing.body.error.message).toContain(
      'payments/nope not found on cluster east',
    );
  });

  it('names the cluster and VM when Prometheus fails (503)', async () => {
    const broken = await start({ east }, undefined, {
      kubevirt: {
        prometheus: {
          east: {
            url: `${east.url}/nowhere`,
            caData: Buffer.from(east.caCert).toString('base64'),
          },
        },
      },
    });
    const res = await request(broken.server)
      .get('/api/kubevirt/vms/east/payments/payments-db-0/metrics')
      .expect(503);
    expect(res.body.error.message).toContain(
      'Metrics of virtual machine payments/payments-db-0 on cluster east',
    );
  });

  it('needs the read permission', async () => {
    const denied = await start(
      { east },
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      {
        kubevirt: {
          prometheus: {
            east: {
              url: `${east.url}/prometheus`,
              caData: Buffer.from(east.caCert).toString('base64'),
            },
          },
        },
      },
    );
    const res = await request(denied.server)
      .get('/api/kubevirt/vms/east/payments/payments-db-0/metrics')
      .set('Authorization', mockCredentials.user.header('user:default/nobody'))
      .expect(403);
    expect(res.body.error.message).toBe(
      'You may not read virtual machine payments/payments-db-0 on cluster east',
    );
  });
});
