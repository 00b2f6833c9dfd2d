import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Simulator, SimulatorOptions, startSimulator } from '../index';

const run = promisify(execFile);

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The real kubectl against a simulator, as an operator runs it: a private
 * HOME and KUBECONFIG per suite (admin and viewer), exit codes instead of
 * throws, and manifests written to files for `apply -f`.
 */
export function kubectlFor(sim: Simulator) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-sim-'));
  fs.writeFileSync(path.join(dir, 'admin'), sim.kubeconfig('admin'));
  fs.writeFileSync(path.join(dir, 'viewer'), sim.kubeconfig('viewer'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KUBECONFIG: path.join(dir, 'admin'),
    HOME: dir,
  };
  const kubectl = async (...args: string[]): Promise<KubectlResult> => {
    try {
      const { stdout, stderr } = await run('kubectl', args, {
        env,
        timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  return {
    kubectl,
    file,
    env,
    dir,
    apply: (name: string, text: string) =>
      kubectl('apply', '-f', file(name, text)),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A simulator (stage delay 0) and kubectl against it for one describe block:
 * started before its tests, stopped after. Read `sim` and `k` inside tests.
 */
export function simulatorWithKubectl(options: SimulatorOptions = {}) {
  const ctx = {} as {
    sim: Simulator;
    k: ReturnType<typeof kubectlFor>;
  };
  beforeAll(async () => {
    ctx.sim = await startSimulator({ port: 0, stageDelayMs: 0, ...options });
    ctx.k = kubectlFor(ctx.sim);
    await ctx.sim.settled();
  });
  afterAll(async () => {
    await ctx.sim?.stop();
    ctx.k?.cleanup();
  });
  return ctx;
}
