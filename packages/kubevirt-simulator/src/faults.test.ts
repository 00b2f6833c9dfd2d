import https from 'node:https';
import { Simulator, startSimulator } from './index';

jest.setTimeout(60_000);

const VMS = '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines';
const START =
  '/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-0/start';

/** One admin request, with the answer's status, headers and raw text. */
function call(sim: Simulator, method: string, path: string) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    text: string;
  }>((resolve, reject) => {
    const req = https.request(
      `${sim.url}${path}`,
      {
        method,
        ca: sim.caCert,
        headers: {
          Authorization: `Bearer ${sim.tokens.admin}`,
          'Content-Type': 'application/json',
          'Content-Length': method === 'PUT' ? '2' : '0',
        },
      },
      res => {
        let text = '';
        res.on('data', c => {
          text += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, text }),
        );
      },
    );
    req.on('error', reject);
    req.end(method === 'PUT' ? '{}' : undefined);
  });
}

const groupsOf = async (sim: Simulator) =>
  (JSON.parse((await call(sim, 'GET', '/apis')).text).groups as any[]).map(
    g => g.name,
  );

/** The faults that make the simulator answer as a real apiserver does when parts of it are missing or starting. */
describe('faults a real apiserver shows', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
  });
  afterEach(() => sim.faults.clear());
  afterAll(() => sim.stop());

  it('without virt-api’s APIService: the group is not discovered and its paths are the plain-text 404 page', async () => {
    expect(await groupsOf(sim)).toContain('subresources.kubevirt.io');
    sim.faults.set({ subresourcesDown: 'missing' });
    expect(await groupsOf(sim)).not.toContain('subresources.kubevirt.io');
    for (const path of [START, '/apis/subresources.kubevirt.io/v1']) {
      const res = await call(sim, path === START ? 'PUT' : 'GET', path);
      expect(res).toMatchObject({
        status: 404,
        text: '404 page not found\n',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
    // the rest of the cluster answers as before
    expect((await call(sim, 'GET', `${VMS}/payments-db-0`)).status).toBe(200);
  });

  it('with virt-api down: still discovered, answered with kube-aggregator’s plain 503', async () => {
    sim.faults.set({ subresourcesDown: 'unavailable' });
    expect(await groupsOf(sim)).toContain('subresources.kubevirt.io');
    expect(await call(sim, 'PUT', START)).toMatchObject({
      status: 503,
      text: 'service unavailable\n',
    });
  });

  it('refuses an unknown subresourcesDown', () => {
    expect(() =>
      sim.faults.set({ subresourcesDown: 'sometimes' as any }),
    ).toThrow('subresourcesDown must be "missing" or "unavailable"');
  });

  it('while the watch cache initializes: lists and watches are 429 with Retry-After: 1, gets and lists storage can answer go through', async () => {
    sim.faults.set({ storageInitializingMs: 1500 });
    for (const path of [
      VMS,
      `${VMS}?watch=true`,
      `${VMS}?limit=5&labelSelector=a%3Db`,
    ]) {
      const res = await call(sim, 'GET', path);
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('1');
      expect(JSON.parse(res.text)).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'storage is (re)initializing',
        reason: 'TooManyRequests',
        details: { retryAfterSeconds: 1 },
        code: 429,
      });
    }
    expect((await call(sim, 'GET', `${VMS}?limit=5`)).status).toBe(200);
    expect((await call(sim, 'GET', `${VMS}/payments-db-0`)).status).toBe(200);
    await new Promise(r => setTimeout(r, 1600));
    expect((await call(sim, 'GET', VMS)).status).toBe(200);
  });
});
