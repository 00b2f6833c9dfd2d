import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SimulatorEndpoint } from './fixtures';

const waitFor = (child: ChildProcess, pattern: RegExp, what: string) =>
  new Promise<RegExpMatchArray>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk;
      const m = out.match(pattern);
      if (m) {
        child.stdout?.off('data', onData);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', code =>
      reject(new Error(`${what} exited with ${code}: ${out.slice(-2000)}`)),
    );
  });

async function stopChild(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise(r => child.once('exit', r));
  child.kill(signal);
  // a backend under --cpu-prof writes its profile on the way out: give it time
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  await exited;
  clearTimeout(timer);
}

/** One simulator process per cluster, on the harness's ports, `vms` generated VMs each. */
export async function startSimulator(options: {
  name: string;
  port: number;
  vms: number;
  dir: string;
}) {
  const tlsDir = path.join(options.dir, `tls-${options.name}`);
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=6144',
      path.join(
        path.dirname(
          require.resolve(
            '@kubevirt-backstage/kubevirt-simulator/package.json',
          ),
        ),
        'bin',
        'kubevirt-simulator.js',
      ),
      'start',
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--vms',
      String(options.vms),
      // lifecycle stages quickly, so start/stop complete within a phase
      '--stage-delay-ms',
      '200',
      '--tls-dir',
      tlsDir,
      '--kubeconfig-out',
      path.join(options.dir, `kubeconfig-${options.name}`),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [, url] = await waitFor(child, /listening on (\S+)/, options.name);
  const endpoint: SimulatorEndpoint = {
    name: options.name,
    url,
    caData: fs.readFileSync(path.join(tlsDir, 'ca.crt')).toString('base64'),
  };
  return { endpoint, pid: child.pid!, stop: () => stopChild(child, 'SIGTERM') };
}

export interface EventLoopSample {
  at: number;
  p50: number;
  p99: number;
  max: number;
}

/** The harness's backend (loadBackend.ts) in its own process, optionally under `--cpu-prof`. */
export async function startBackend(options: {
  configFile: string;
  port: number;
  cpuProfDir?: string;
  onEventLoop: (sample: EventLoopSample) => void;
}) {
  const packageDir = path.resolve(__dirname, '../..');
  const child = spawn(
    process.execPath,
    [
      ...(options.cpuProfDir
        ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir]
        : []),
      '--max-old-space-size=6144',
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'loadBackend.ts'),
      '--config',
      options.configFile,
    ],
    {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
    },
  );
  child.on('message', (m: any) => {
    if (m?.type === 'eventLoop') options.onEventLoop(m);
  });
  // the backend logs at warn: show what it says, it explains a failed run (not its shutdown)
  let stopping = false;
  child.stdout!.on('data', chunk => {
    if (!stopping) process.stderr.write(`[backend] ${chunk}`);
  });
  const exited = new Promise<number | null>(r => child.once('exit', r));
  return {
    pid: child.pid!,
    baseUrl: `http://127.0.0.1:${options.port}`,
    exited,
    /** SIGINT lets Backstage shut down and exit normally, so `--cpu-prof` writes its profile. */
    stop: () => {
      stopping = true;
      return stopChild(child, 'SIGINT');
    },
  };
}

/** Resident set size of a process, read from outside (/proc), in MB. */
export function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? NaN);
    return kb / 1024;
  } catch {
    return NaN;
  }
}
