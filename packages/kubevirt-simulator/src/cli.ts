import { parseArgs } from 'node:util';
import { startSimulator } from './index';
import { writeKubeconfigFile } from './kubeconfigFile';

const usage = `usage: kubevirt-simulator start [--port 7010] [--host 127.0.0.1] [--empty | --seed demo|none] [--vms N]
                          [--stage-delay-ms 1000] [--data-dir DIR] [--tls-dir DIR] [--kubeconfig-out FILE] [--user admin|broker|viewer|none]
                          [--feature-gates Snapshot,HotplugVolumes,...] [--vm-rollout-strategy LiveUpdate|Stage]
                          [--without-cdi] [--without-instancetypes]`;

/**
 * Runs the `kubevirt-simulator` command with the given arguments (without node and the script):
 * `start` serves a cluster until SIGINT or SIGTERM and prints the path of a kubeconfig for it.
 *
 * @public
 */
export async function runSimulatorCli(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '7010' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: 'demo' },
      empty: { type: 'boolean', default: false },
      vms: { type: 'string', default: '0' },
      'stage-delay-ms': { type: 'string', default: '1000' },
      'data-dir': { type: 'string' },
      'tls-dir': { type: 'string' },
      'kubeconfig-out': { type: 'string' },
      user: { type: 'string', default: 'admin' },
      'feature-gates': { type: 'string' },
      'vm-rollout-strategy': { type: 'string', default: 'LiveUpdate' },
      'without-cdi': { type: 'boolean', default: false },
      'without-instancetypes': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals[0] !== 'start') {
    process.stdout.write(`${usage}\n`);
    process.exit(values.help ? 0 : 2);
  }
  if (values.seed !== 'demo' && values.seed !== 'none')
    throw new Error(`--seed must be demo or none\n${usage}`);
  const rollout = values['vm-rollout-strategy'];
  if (rollout !== 'LiveUpdate' && rollout !== 'Stage')
    throw new Error(
      `--vm-rollout-strategy must be LiveUpdate or Stage\n${usage}`,
    );
  const sim = await startSimulator({
    port: Number(values.port),
    host: values.host,
    seed: values.empty ? 'none' : values.seed,
    vms: Number(values.vms),
    stageDelayMs: Number(values['stage-delay-ms']),
    dataDir: values['data-dir'],
    tlsDir: values['tls-dir'],
    features: {
      // an empty value is a cluster with no optional gate on
      featureGates:
        values['feature-gates'] === undefined
          ? undefined
          : values['feature-gates'].split(',').filter(Boolean),
      vmRolloutStrategy: rollout,
      cdi: !values['without-cdi'],
      instancetypes: !values['without-instancetypes'],
    },
  });
  const kubeconfig = writeKubeconfigFile(
    sim.kubeconfig(values.user as 'admin'),
    sim.url,
    values['kubeconfig-out'],
  );
  process.stdout.write(`kubeconfig: ${kubeconfig}\n`);
  process.stdout.write(`kubevirt-simulator listening on ${sim.url}\n`);
  const shutdown = () => {
    sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
