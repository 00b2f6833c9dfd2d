import { Simulator } from '@kubevirt-backstage/kubevirt-simulator';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { KubernetesPluginBackendOptions } from './kubernetesPluginBackendMain';

/**
 * The real @backstage/plugin-kubernetes-backend with the real permission
 * backend and the KubeVirt policy as its only policy, against `sim` (the
 * cluster local-sim, with the broker's token unless told otherwise), in a Node
 * process of its own (see kubernetesPluginBackendMain.ts for why). Requests
 * carry `mockCredentials.user.header(...)` tokens, as with startTestBackend.
 */
export async function startKubernetesPluginBackend(options: {
  sim: Simulator;
  roles: unknown;
  entities: KubernetesPluginBackendOptions['entities'];
  /** The Kubernetes plugin's own token (authMetadata.serviceAccountToken); default: it uses the broker's. */
  kubernetesPluginToken?: string;
}) {
  const input: KubernetesPluginBackendOptions = {
    cluster: {
      url: options.sim.url,
      serviceAccountToken: options.sim.tokens.broker,
      caData: Buffer.from(options.sim.caCert).toString('base64'),
      ...(options.kubernetesPluginToken
        ? {
            authMetadata: {
              serviceAccountToken: options.kubernetesPluginToken,
            },
          }
        : {}),
    },
    roles: options.roles,
    entities: options.entities,
  };
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'kubernetesPluginBackendMain.ts'),
    ],
    {
      cwd: path.resolve(__dirname, '../../..'),
      env: {
        ...process.env,
        KUBERNETES_PLUGIN_BACKEND_OPTIONS: JSON.stringify(input),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`the Kubernetes plugin backend did not start:\n${output}`),
        ),
      120_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const ready = /^READY (\{.*\})$/m.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(JSON.parse(ready[1]).port);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', code => {
      clearTimeout(timer);
      reject(
        new Error(`the Kubernetes plugin backend exited (${code}):\n${output}`),
      );
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    /** Closes its stdin: the backend stops and the process exits. */
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.stdin.end();
      const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
