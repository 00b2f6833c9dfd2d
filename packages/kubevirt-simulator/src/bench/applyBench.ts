/* eslint-disable no-console */
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { startSimulator } from '../index';
import { protobufBody } from '../api/protobuf/protobufEncode';

/**
 * What server-side apply and protobuf bodies cost per request, against a
 * merge patch and a JSON create of the same objects: p50/p95 in ms over N
 * sequential requests to one simulator (no other load).
 * Run: node --require @backstage/cli/config/nodeTransform.cjs src/bench/applyBench.ts [N]
 */
const N = Number(process.argv[2]) || 300;
const agent = new https.Agent({ keepAlive: true });

function send(
  url: string,
  token: string,
  ca: string,
  method: string,
  contentType: string,
  body: string | Buffer,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca,
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': contentType,
        },
      },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function main() {
  const sim = await startSimulator({ port: 0, stageDelayMs: 0, seed: 'none' });
  const token = sim.tokens.admin;
  const ca = sim.caCert;
  const api = `${sim.url}/api/v1/namespaces`;
  await send(
    api,
    token,
    ca,
    'POST',
    'application/json',
    '{"metadata":{"name":"bench"}}',
  );
  const vms = `${sim.url}/apis/kubevirt.io/v1/namespaces/bench/virtualmachines`;
  const vm = (runStrategy: string) =>
    JSON.stringify({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: 'vm', namespace: 'bench', labels: { app: 'bench' } },
      spec: {
        runStrategy,
        template: {
          spec: {
            domain: {
              devices: { disks: [{ name: 'root', disk: { bus: 'virtio' } }] },
              memory: { guest: '1Gi' },
            },
            volumes: [{ name: 'root', containerDisk: { image: 'fedora' } }],
          },
        },
      },
    });
  await send(vms, token, ca, 'POST', 'application/json', vm('Halted'));

  const time = async (label: string, run: (i: number) => Promise<number>) => {
    const ms: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      const status = await run(i);
      ms.push(performance.now() - t);
      if (status >= 300) throw new Error(`${label}: HTTP ${status}`);
    }
    console.log(
      `${label.padEnd(40)} p50 ${pct(ms, 50).toFixed(2)} ms  p95 ${pct(
        ms,
        95,
      ).toFixed(2)} ms`,
    );
  };
  const strategy = (i: number) => (i % 2 ? 'Halted' : 'Manual');
  await time('VM merge patch (changes runStrategy)', i =>
    send(
      `${vms}/vm?fieldManager=bench-patch`,
      token,
      ca,
      'PATCH',
      'application/merge-patch+json',
      JSON.stringify({ spec: { runStrategy: strategy(i) } }),
    ),
  );
  await time('VM server-side apply (changes runStrategy)', i =>
    send(
      `${vms}/vm?fieldManager=bench-apply&force=true`,
      token,
      ca,
      'PATCH',
      'application/apply-patch+yaml',
      vm(strategy(i)),
    ),
  );
  await time('ConfigMap create, JSON body', i =>
    send(
      `${api}/bench/configmaps`,
      token,
      ca,
      'POST',
      'application/json',
      JSON.stringify({
        metadata: { name: `json-${i}` },
        data: { mode: 'fast' },
      }),
    ),
  );
  const bodies = Array.from({ length: N }, (_, i) =>
    protobufBody('v1', 'ConfigMap', 'k8s.io.api.core.v1.ConfigMap', {
      metadata: { name: `pb-${i}` },
      data: { mode: 'fast' },
    }),
  );
  await time('ConfigMap create, protobuf body', i =>
    send(
      `${api}/bench/configmaps`,
      token,
      ca,
      'POST',
      'application/vnd.kubernetes.protobuf',
      bodies[i],
    ),
  );
  await sim.stop();
  agent.destroy();
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
