/* eslint-disable no-console */
import http from 'node:http';
import https from 'node:https';
import { startSimulator } from '../index';

/**
 * Simulator figures at 1k, 10k and 100k VMs: list latency (all, and by a label
 * selector matching 50), time for one change to reach 50 watchers, and RSS.
 * Run: yarn workspace @kubevirt-backstage/kubevirt-simulator bench [sizes...]
 */
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const scales = sizes.length ? sizes : [1000, 10000, 100000];

const agent = new https.Agent({ keepAlive: true, maxSockets: 100 });

function request(
  url: string,
  token: string,
  ca: string,
  method = 'GET',
  body?: string,
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca,
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/merge-patch+json',
        },
      },
      res => {
        let bytes = 0;
        res.on('data', d => {
          bytes += d.length;
        });
        res.on('end', () => resolve({ status: res.statusCode!, bytes }));
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

async function time(n: number, fn: () => Promise<unknown>) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

/** 50 watchers on one VM, one change, and the time until the last of them has seen it (ms). */
async function watchFanout(
  url: string,
  ca: string,
  token: string,
  n: number,
): Promise<number[]> {
  const requests: http.ClientRequest[] = [];
  const started = { at: 0n };
  const ready: Promise<void>[] = [];
  const watchers: Promise<number>[] = [];
  const watchUrl = `${url}/apis/kubevirt.io/v1/namespaces/payments/virtualmachines?watch=true&labelSelector=${encodeURIComponent(
    'app.kubernetes.io/name=payments-db-0',
  )}`;
  const watchOne = (markReady: () => void) =>
    new Promise<number>(resolve => {
      const req = https.request(
        watchUrl,
        { ca, headers: { Authorization: `Bearer ${token}` } },
        res => {
          let buf = '';
          res.on('data', d => {
            buf += d;
            if (buf.includes('"ADDED"')) markReady();
            if (started.at && buf.includes('"MODIFIED"'))
              resolve(Number(process.hrtime.bigint() - started.at) / 1e6);
          });
        },
      );
      requests.push(req);
      req.end();
    });
  for (let i = 0; i < 50; i++) {
    let markReady!: () => void;
    ready.push(new Promise<void>(r => (markReady = r)));
    watchers.push(watchOne(markReady));
  }
  await Promise.all(ready);
  started.at = process.hrtime.bigint();
  await request(
    `${url}/apis/kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-0`,
    token,
    ca,
    'PATCH',
    JSON.stringify({ metadata: { labels: { bench: String(n) } } }),
  );
  const fanout = await Promise.all(watchers);
  for (const r of requests) r.destroy();
  return fanout;
}

async function main() {
  const rows: string[][] = [];
  for (const n of scales) {
    (global as any).gc?.();
    const before = process.memoryUsage().rss;
    const sim = await startSimulator({ port: 0, stageDelayMs: 0, vms: n });
    await sim.settled();
    (global as any).gc?.();
    const rss = process.memoryUsage().rss;
    const vmUrl = `${sim.url}/apis/kubevirt.io/v1/virtualmachines`;
    const token = sim.tokens.broker;
    const all = await time(n >= 100000 ? 5 : 20, () =>
      request(vmUrl, token, sim.caCert),
    );
    const selector = encodeURIComponent('simulator.kubevirt.io/scale-group=g7');
    const check = await request(
      `${vmUrl}?labelSelector=${selector}`,
      token,
      sim.caCert,
    );
    const bySelector = await time(200, () =>
      request(`${vmUrl}?labelSelector=${selector}`, token, sim.caCert),
    );

    const fanout = await watchFanout(sim.url, sim.caCert, token, n);
    await sim.stop();
    rows.push([
      String(n),
      `${pct(all, 50).toFixed(1)} / ${pct(all, 99).toFixed(1)}`,
      `${check.status === 200 ? '' : 'ERR '}${pct(bySelector, 50).toFixed(
        2,
      )} / ${pct(bySelector, 99).toFixed(2)}`,
      `${Math.max(...fanout).toFixed(1)}`,
      `${((rss - before) / 1024 / 1024).toFixed(0)} MB (process ${(
        rss /
        1024 /
        1024
      ).toFixed(0)} MB)`,
    ]);
    console.log(`done ${n}`);
  }
  const header = [
    'VMs',
    'list all p50/p99 ms',
    'list by label (50) p50/p99 ms',
    '50 watchers see a change (ms, last)',
    'RSS added by the store',
  ];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => r[i].length)),
  );
  const line = (r: string[]) =>
    `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map(w => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  agent.destroy();
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
