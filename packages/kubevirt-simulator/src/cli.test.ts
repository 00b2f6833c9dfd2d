import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// The `kubevirt-simulator` command as a user runs it (bin/kubevirt-simulator.js, a child process),
// driven by the real kubectl with the kubeconfig whose path it prints. The same bin from the packed
// tarball is exercised by the consumer test (.tools/consumer).
const bin = path.resolve(__dirname, '../bin/kubevirt-simulator.js');
const run = promisify(execFile);
const children: ChildProcess[] = [];
const dirs: string[] = [];

function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-cli-'));
  dirs.push(dir);
  return dir;
}

/** Starts the command; resolves with the kubeconfig path it printed once it listens. */
function start(...args: string[]) {
  const child = spawn(
    process.execPath,
    [bin, 'start', '--port', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  const kubeconfig = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', chunk => {
      stdout += chunk;
      const printed = /^kubeconfig: (.+)$/m.exec(stdout);
      if (printed && stdout.includes('listening on')) resolve(printed[1]);
    });
    child.stderr!.on('data', chunk => {
      stderr += chunk;
    });
    child.on('exit', code =>
      reject(new Error(`exited ${code} before listening: ${stderr}`)),
    );
  });
  return { child, kubeconfig };
}

async function kubectl(kubeconfig: string, ...args: string[]) {
  const { stdout } = await run('kubectl', args, {
    env: { ...process.env, KUBECONFIG: kubeconfig, HOME: tempDir() },
    timeout: 30_000,
  });
  return stdout;
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('kubevirt-simulator start', () => {
  it('serves an empty cluster with --empty and writes the kubeconfig where asked', async () => {
    const file = path.join(tempDir(), 'nested', 'kubeconfig');
    const { kubeconfig } = start('--empty', '--kubeconfig-out', file);
    expect(await kubeconfig).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await kubectl(file, 'get', 'vm', '-A', '-o', 'name')).toBe('');
    // the cluster itself is there: KubeVirt's namespace and its API group
    expect(
      await kubectl(file, 'get', 'ns', 'kubevirt', '-o', 'name'),
    ).toContain('namespace/kubevirt');
    await kubectl(file, 'create', 'namespace', 'team-a');
    expect(await kubectl(file, 'get', 'ns', 'team-a', '-o', 'name')).toContain(
      'namespace/team-a',
    );
  }, 90_000);

  it('serves the demo by default, prints a kubeconfig path of its own, and stops on SIGTERM', async () => {
    const { child, kubeconfig } = start('--stage-delay-ms', '0');
    const file = await kubeconfig;
    expect(path.dirname(path.dirname(file))).toBe(os.tmpdir());
    expect(path.basename(path.dirname(file))).toMatch(
      /^kubevirt-simulator-\d+$/,
    );
    dirs.push(path.dirname(file));
    const vms = await kubectl(
      file,
      'get',
      'vm',
      '-n',
      'payments',
      '-o',
      'name',
    );
    expect(vms.split('\n')).toContain(
      'virtualmachine.kubevirt.io/payments-batch',
    );
    const exited = new Promise(resolve => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);

  it('refuses a bad option value with the usage and exit code 1', async () => {
    const child = spawn(process.execPath, [bin, 'start', '--seed', 'bogus'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', chunk => {
      stderr += chunk;
    });
    const code = await new Promise(resolve => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('--seed must be demo or none');
    expect(stderr).toContain('usage: kubevirt-simulator start');
  }, 60_000);
});
