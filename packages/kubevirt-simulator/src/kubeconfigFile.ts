import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Writes a kubeconfig for the simulator and returns its path: the given file, or one in the
 * system's temporary folder named after the port, so two simulators on one machine never share one
 * (kwok's `kwokctl get kubeconfig` likewise keeps one per cluster).
 */
export function writeKubeconfigFile(
  kubeconfig: string,
  url: string,
  file?: string,
): string {
  const target = path.resolve(
    file ??
      path.join(
        os.tmpdir(),
        `kubevirt-simulator-${new URL(url).port}`,
        'kubeconfig',
      ),
  );
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, kubeconfig, { mode: 0o600 });
  return target;
}
