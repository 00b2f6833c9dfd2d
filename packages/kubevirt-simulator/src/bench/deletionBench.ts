/* eslint-disable no-console */
import https from 'node:https';
import { startSimulator } from '../index';

/**
 * How long a namespace's deletion takes with N generated VMs in the
 * simulator (a quarter of them in the deleted namespace, each with the
 * DataVolumes its templates own): the namespace controller deletes the
 * content, KubeVirt's finalizers go, the garbage collector takes the
 * DataVolumes, then the namespace goes.
 * Run: yarn workspace @kubevirt-backstage/kubevirt-simulator bench:deletion [sizes...]
 */
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const scales = sizes.length ? sizes : [1000, 4000];

function status(url: string, token: string, ca: string, method: string) {
  return new Promise<number>((resolve, reject) => {
    const req = https.request(
      url,
      { method, ca, headers: { Authorization: `Bearer ${token}` } },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function main() {
  for (const vms of scales) {
    const sim = await startSimulator({ port: 0, stageDelayMs: 0, vms });
    await sim.settled();
    const ns = `${sim.url}/api/v1/namespaces/data`;
    const token = sim.tokens.admin;
    const start = process.hrtime.bigint();
    const code = await status(ns, token, sim.caCert, 'DELETE');
    let polls = 0;
    while ((await status(ns, token, sim.caCert, 'GET')) !== 404) {
      polls++;
      await sim.settled();
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(
      `${vms} VMs: DELETE namespace data answered ${code}; gone after ${ms.toFixed(
        0,
      )} ms (${polls} polls)`,
    );
    await sim.stop();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
