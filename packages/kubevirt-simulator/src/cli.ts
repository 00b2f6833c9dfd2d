import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from './index';

const usage = `usage: kubevirt-simulator start [--port 7010] [--host 127.0.0.1] [--seed demo|none] [--vms N]
                          [--stage-delay-ms 1000] [--data-dir DIR] [--tls-dir DIR] [--kubeconfig-out FILE] [--user admin|broker|viewer|none]`;

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '7010' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: 'demo' },
      vms: { type: 'string', default: '0' },
      'stage-delay-ms': { type: 'string', default: '1000' },
      'data-dir': { type: 'string' },
      'tls-dir': { type: 'string' },
      'kubeconfig-out': { type: 'string' },
      user: { type: 'string', default: 'admin' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals[0] !== 'start') {
    process.stdout.write(`${usage}\n`);
    process.exit(values.help ? 0 : 2);
  }
  if (values.seed !== 'demo' && values.seed !== 'none') throw new Error(`--seed must be demo or none\n${usage}`);
  const sim = await startSimulator({
    port: Number(values.port),
    host: values.host,
    seed: values.seed,
    vms: Number(values.vms),
    stageDelayMs: Number(values['stage-delay-ms']),
    dataDir: values['data-dir'],
    tlsDir: values['tls-dir'],
  });
  if (values['kubeconfig-out']) {
    fs.mkdirSync(path.dirname(path.resolve(values['kubeconfig-out'])), { recursive: true });
    fs.writeFileSync(values['kubeconfig-out'], sim.kubeconfig(values.user as 'admin'), { mode: 0o600 });
  }
  process.stdout.write(`kubevirt-simulator listening on ${sim.url}\n`);
  const shutdown = () => {
    sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch(error => {
  process.stderr.write(`kubevirt-simulator: ${error.message}\n`);
  process.exit(1);
});
