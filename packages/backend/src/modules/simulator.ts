import {
  coreServices,
  createBackendPlugin,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Development convenience: brings up the embedded KubeVirt simulator as its own
 * process so that `yarn start` shows the whole product with no cluster at hand.
 * The broker does not know about it: it reaches the simulator through the
 * `kubernetes.clusterLocatorMethods` entry, exactly as it reaches a real cluster.
 */
export const simulatorPlugin = createBackendPlugin({
  pluginId: 'kubevirt-simulator',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.rootLifecycle,
      },
      async init({ config, logger, lifecycle }) {
        const sim = config.getOptionalConfig('kubevirtSimulator');
        if (!sim?.getOptionalBoolean('autostart')) {
          return;
        }
        const bin = resolveSimulatorBin(logger);
        if (!bin) {
          return;
        }
        const args = [
          bin,
          'start',
          '--port',
          String(sim.getOptionalNumber('port') ?? 7010),
          '--seed',
          sim.getOptionalString('seed') ?? 'demo',
        ];
        const vms = sim.getOptionalNumber('vms');
        if (vms) args.push('--vms', String(vms));
        const tlsDir = sim.getOptionalString('tlsDir');
        if (tlsDir) args.push('--tls-dir', path.resolve(tlsDir));
        const dataDir = sim.getOptionalString('dataDir');
        if (dataDir) args.push('--data-dir', path.resolve(dataDir));
        // what the simulated cluster can do: its KubeVirt CR's gates and the optional parts it serves
        const featureGates = sim.getOptionalStringArray('featureGates');
        if (featureGates) args.push('--feature-gates', featureGates.join(','));
        const rollout = sim.getOptionalString('vmRolloutStrategy');
        if (rollout) args.push('--vm-rollout-strategy', rollout);
        if (sim.getOptionalBoolean('withoutCdi')) args.push('--without-cdi');
        if (sim.getOptionalBoolean('withoutInstancetypes'))
          args.push('--without-instancetypes');
        const stageDelayMs = sim.getOptionalNumber('stageDelayMs');
        if (stageDelayMs !== undefined) {
          args.push('--stage-delay-ms', String(stageDelayMs));
        }

        const child = spawn(process.execPath, args, {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        await waitUntilListening(child, logger);
        lifecycle.addShutdownHook(() => {
          child.kill('SIGTERM');
        });
      },
    });
  },
});

function resolveSimulatorBin(logger: LoggerService): string | undefined {
  try {
    const pkg = require.resolve(
      '@kubevirt-backstage/kubevirt-simulator/package.json',
    );
    return path.join(path.dirname(pkg), 'bin', 'kubevirt-simulator.js');
  } catch {
    logger.warn(
      'kubevirtSimulator.autostart is set but @kubevirt-backstage/kubevirt-simulator is not installed',
    );
    return undefined;
  }
}

// Resolves once the simulator prints its ready line, or when it exits early
// (typically because the port is taken by a simulator that already runs).
function waitUntilListening(child: ChildProcess, logger: LoggerService) {
  return new Promise<void>(resolve => {
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) logger.info(line.trim());
        if (line.includes('listening on')) resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('exit', code => {
      logger.warn(
        `KubeVirt simulator exited (code ${code}); if one already runs on the configured port the portal uses it. ${stderr
          .split('\n')
          .filter(Boolean)
          .slice(-1)
          .join('')}`,
      );
      resolve();
    });
  });
}
