/* eslint-disable no-console */
import https from 'node:https';
import { WebSocket } from 'ws';
import { startSimulator } from '../index';

/**
 * Figures for the console and metrics endpoints with N running VMs (default
 * 10, 100 and 500): time to open a serial console and see the login prompt,
 * VNC handshake plus a full 800x600 frame, and query_range over the last
 * hour for one VM's CPU chart (15 s step) and for every VM (60 s step).
 * Run: yarn workspace @kubevirt-backstage/kubevirt-simulator bench:console-metrics [running VMs...]
 */
const counts = process.argv.slice(2).map(Number).filter(Boolean);
const scales = counts.length ? counts : [10, 100, 500];
const agent = new https.Agent({ keepAlive: true });

function request(
  url: string,
  ca: string,
  method = 'GET',
  token?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca,
        agent,
        headers: token
          ? {
              Authorization: `Bearer ${token}`,
              'Content-Type': 'application/json',
            }
          : {},
      },
      res => {
        let text = '';
        res.on('data', d => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      },
    );
    req.on('error', reject);
    req.end(method === 'PUT' ? '{}' : undefined);
  });
}

async function time(n: number, fn: () => Promise<unknown>) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${s[Math.floor(s.length / 2)].toFixed(1)} ms, p95 ${s[
    Math.min(s.length - 1, Math.floor(s.length * 0.95))
  ].toFixed(1)} ms`;
};

function openConsole(url: string, ca: string, token: string) {
  return new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(
      `${url.replace(
        'https',
        'wss',
      )}/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachineinstances/payments-db-0/console`,
      ['plain.kubevirt.io'],
      { ca, headers: { Authorization: `Bearer ${token}` } },
    );
    let out = '';
    ws.on('message', (d: Buffer) => {
      out += d.toString();
      if (out.includes('login: ')) {
        ws.close(1000);
        resolve();
      }
    });
    ws.on('error', reject);
  });
}

function vncFrame(url: string, ca: string, token: string) {
  return new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(
      `${url.replace(
        'https',
        'wss',
      )}/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachineinstances/payments-db-0/vnc`,
      ['plain.kubevirt.io'],
      { ca, headers: { Authorization: `Bearer ${token}` } },
    );
    let received = 0;
    ws.on('open', () => {
      const updateRequest = Buffer.from([
        3, 0, 0, 0, 0, 0, 0x03, 0x20, 0x02, 0x58,
      ]); // full 800x600 update
      ws.send(
        Buffer.concat([
          Buffer.from('RFB 003.008\n'),
          Buffer.from([1, 1]),
          updateRequest,
        ]),
      );
    });
    ws.on('message', (d: Buffer) => {
      received += d.length;
      // version, security, result, ServerInit with name, update header, rect header, pixels
      if (received >= 12 + 2 + 4 + 24 + 13 + 4 + 12 + 800 * 600 * 4) {
        ws.close(1000);
        resolve();
      }
    });
    ws.on('error', reject);
  });
}

async function run(running: number) {
  const sim = await startSimulator({ port: 0, stageDelayMs: 0, vms: running });
  const { url, caCert: ca, tokens } = sim;
  for (let i = 0; i < running; i++) {
    const ns = ['payments', 'orders', 'data', 'platform'][i % 4];
    await request(
      `${url}/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachines/scale-vm-${String(
        i,
      ).padStart(6, '0')}/start`,
      ca,
      'PUT',
      tokens.admin,
    );
  }
  await sim.settled();
  // two scrapes (10 s apart) before a started VM has a rate
  await new Promise(r => setTimeout(r, 11_000));
  const end = Date.now() / 1000;
  const range = (query: string, step: number) =>
    request(
      `${url}/prometheus/api/v1/query_range?${new URLSearchParams({
        query,
        start: String(end - 3600),
        end: String(end),
        step: String(step),
      })}`,
      ca,
    );
  const all = await range(
    'sum by (name) (rate(kubevirt_vmi_vcpu_seconds_total[5m]))',
    60,
  );
  const series = JSON.parse(all.text).data.result.length;

  console.log(`\n${running} extra VMs started (${series} VMs with CPU series)`);
  console.log(
    `  console open → login prompt: ${summary(
      await time(20, () => openConsole(url, ca, tokens.admin)),
    )}`,
  );
  console.log(
    `  VNC handshake + full frame:   ${summary(
      await time(10, () => vncFrame(url, ca, tokens.admin)),
    )}`,
  );
  console.log(
    `  one VM CPU, 1 h / 15 s step:  ${summary(
      await time(20, () =>
        range(
          'sum by (name) (rate(kubevirt_vmi_vcpu_seconds_total{namespace="payments",name="payments-db-0"}[5m]))',
          15,
        ),
      ),
    )}`,
  );
  console.log(
    `  every VM CPU, 1 h / 60 s step: ${summary(
      await time(5, () =>
        range('sum by (name) (rate(kubevirt_vmi_vcpu_seconds_total[5m]))', 60),
      ),
    )}`,
  );
  console.log(`  RSS: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
  await sim.stop();
}

(async () => {
  for (const n of scales) await run(n);
  agent.destroy();
})().catch(e => {
  console.error(e);
  process.exit(1);
});
