#!/usr/bin/env node
/*
 * The consumer test: the published packages, installed into a Backstage 1.55 app this repository
 * did not write (fixtures/consumer-app, made by @backstage/create-app and trimmed), following
 * docs/install.md. It packs every package (yarn pack after prepack), checks the tarballs, installs
 * them into a copy of the app in a temporary folder (its own project, lockfile and node_modules),
 * starts the simulator from its tarball's bin and drives it with kubectl, builds the frontend,
 * starts the backend, lists and starts a VM through the broker as a signed-in user with a VM role,
 * and opens the entity page in Chromium. Cleans up after itself and prints its time.
 *
 * `node .tools/consumer/consumer.js` (a step of `yarn verify`). KEEP_CONSUMER_APP=1 keeps the folder;
 * CONSUMER_TARBALLS=<dir> reuses tarballs an earlier run packed there; CONSUMER_UPDATE_LOCK=1 writes
 * the app's lockfile back to the fixture.
 * Ports: backend (and app) 7207, simulator 7210.
 */
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  packPackages,
  inspectTarball,
  publishedPackages,
} = require('./packPackages');
const {
  guideBlocks,
  addDependencies,
  editBackendIndex,
} = require('./installGuide');
const { checkEntityPage } = require('./browserCheck');

const root = path.resolve(__dirname, '../..');
const fixture = path.join(root, 'fixtures', 'consumer-app');
const yarnRelease = path.join(root, '.yarn', 'releases', 'yarn-4.13.0.cjs');
const BACKEND_PORT = 7207;
const SIMULATOR_PORT = 7210;
const backendUrl = `http://localhost:${BACKEND_PORT}`;
const CLUSTER = 'consumer-sim';

const started = Date.now();
const children = [];
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const log = message => console.log(`[consumer] ${message} (${elapsed()})`);

/** The environment of the app's processes: nothing of this repository's yarn project leaks in. */
function appEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  for (const key of Object.keys(env)) {
    if (/^(YARN_|npm_|BERRY_)/.test(key) || key === 'INIT_CWD') delete env[key];
  }
  env.YARN_ENABLE_IMMUTABLE_INSTALLS = 'false'; // CI=true would make the install immutable
  env.YARN_CHECKSUM_BEHAVIOR = 'update'; // the tarballs are new each run
  env.YARN_ENABLE_TELEMETRY = 'false';
  // node-gyp builds better-sqlite3 against the running Node's own headers (no download)
  const nodeDir = path.dirname(path.dirname(process.execPath));
  if (fs.existsSync(path.join(nodeDir, 'include', 'node')))
    env.npm_config_nodedir = nodeDir;
  return env;
}

function yarnIn(appDir, args, options = {}) {
  return execFileSync(
    process.execPath,
    [path.join(appDir, '.yarn/releases/yarn-4.13.0.cjs'), ...args],
    {
      cwd: appDir,
      env: appEnv(options.env),
      stdio: options.stdio ?? 'inherit',
      encoding: 'utf8',
    },
  );
}

function startProcess(command, args, options) {
  const child = spawn(command, args, {
    ...options,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.output = '';
  child.stdout.on('data', chunk => {
    child.output += chunk;
  });
  child.stderr.on('data', chunk => {
    child.output += chunk;
  });
  return child;
}

async function waitFor(what, check, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(
        `${what}: the process exited (${child.exitCode}):\n${child.output.slice(
          -4000,
        )}`,
      );
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error(
    `${what}: not within ${timeoutMs / 1000} s${
      last ? ` (${last.message})` : ''
    }`,
  );
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** The tarball check finds what it looks for: a tarball made to hold each kind of mistake. */
function checkTheChecker(workDir) {
  const dir = path.join(workDir, 'bad-package', 'package');
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write(
    'package.json',
    JSON.stringify({
      name: 'bad',
      version: '0.1.0',
      main: 'dist/index.cjs.js',
      types: 'dist/index.d.ts',
      dependencies: { other: 'workspace:^' },
    }),
  );
  write('dist/index.cjs.js', "require('undeclared');");
  write('dist/index.d.ts', 'export {};');
  write(
    'dist/index.cjs.js.map',
    JSON.stringify({ version: 3, sources: ['../../other-package/src/x.ts'] }),
  );
  write('dist/index.test.js', '');
  write('src/index.ts', '');
  const tarball = path.join(workDir, 'bad-package.tgz');
  execFileSync('tar', ['-czf', tarball, '-C', path.dirname(dir), 'package']);
  const found = inspectTarball(tarball).problems.join('\n');
  for (const expected of [
    'undeclared, not a dependency',
    'outside this package',
    'a test',
    'sources',
    'workspace:^',
  ])
    assert(
      found.includes(expected),
      `the tarball check missed "${expected}":\n${found}`,
    );
}

/** 1. Pack, list with sizes, check contents. */
function packAndCheck(tarballDir) {
  // CONSUMER_TARBALLS=<dir>: tarballs packed earlier by this script (re-running the app part only)
  const tarballs = process.env.CONSUMER_TARBALLS
    ? Object.fromEntries(
        publishedPackages.map(dir => [
          JSON.parse(
            fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'),
          ).name,
          path.join(process.env.CONSUMER_TARBALLS, `${path.basename(dir)}.tgz`),
        ]),
      )
    : packPackages(tarballDir, log);
  const versions = {};
  const problems = [];
  console.log(
    '\n[consumer] package                                                        tarball   unpacked  files',
  );
  for (const tarball of Object.values(tarballs)) {
    const report = inspectTarball(tarball);
    versions[report.name] = report.version;
    console.log(
      `[consumer] ${`${report.name}@${report.version}`.padEnd(70)} ${`${(
        report.bytes / 1024
      ).toFixed(1)} kB`.padStart(9)} ${`${(report.unpackedBytes / 1024).toFixed(
        1,
      )} kB`.padStart(10)} ${String(report.files).padStart(6)}`,
    );
    problems.push(...report.problems.map(p => `${report.name}: ${p}`));
  }
  assert(!problems.length, `tarball contents:\n  ${problems.join('\n  ')}`);
  log(
    'tarballs hold no tests, fixtures, sources or source maps of other packages',
  );
  return { tarballs, versions };
}

/** 2. The app, in a folder of its own, with the guide applied. */
function prepareApp(appDir, tarballs, versions) {
  fs.cpSync(fixture, appDir, {
    recursive: true,
    filter: src =>
      !/(^|\/)(node_modules|dist|dist-types)(\/|$)/.test(
        path.relative(fixture, src),
      ),
  });
  fs.mkdirSync(path.join(appDir, '.yarn/releases'), { recursive: true });
  fs.copyFileSync(
    yarnRelease,
    path.join(appDir, '.yarn/releases/yarn-4.13.0.cjs'),
  );
  fs.mkdirSync(path.join(appDir, 'tarballs'));
  const manifestFile = path.join(appDir, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  manifest.resolutions = { ...manifest.resolutions };
  for (const [name, tarball] of Object.entries(tarballs)) {
    const local = path.join('tarballs', path.basename(tarball));
    fs.copyFileSync(tarball, path.join(appDir, local));
    // stands in for the registry: every @kubevirt-backstage name, also as a dependency of another, is its tarball
    manifest.resolutions[name] = `file:./${local}`;
  }
  manifest.devDependencies[
    '@kubevirt-backstage/kubevirt-simulator'
  ] = `^${versions['@kubevirt-backstage/kubevirt-simulator']}`;
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

  const blocks = guideBlocks();
  addDependencies(appDir, blocks['backend-dependencies'], versions);
  addDependencies(appDir, blocks['frontend-dependencies'], versions);
  editBackendIndex(appDir, blocks);
  fs.writeFileSync(
    path.join(appDir, 'app-config.local.yaml'),
    blocks['minimal-config'],
  );
  // the test's user: the guest sign-in's user gets a VM role (the guide's binding names a group it is not in)
  fs.writeFileSync(
    path.join(appDir, 'app-config.consumer.yaml'),
    [
      'kubevirt:',
      '  roles:',
      '    bindings:',
      '      - subjects: [user:development/guest]',
      '        role: vm-power-user',
      '        scope: all',
      '',
    ].join('\n'),
  );
}

/** 3. The simulator from its tarball's bin; kubectl with the kubeconfig it prints. */
async function startSimulator(appDir, workDir) {
  const bin = path.join(appDir, 'node_modules/.bin/kubevirt-simulator');
  assert(
    fs.existsSync(bin),
    'the simulator tarball installed no kubevirt-simulator bin',
  );
  const sim = startProcess(
    bin,
    [
      'start',
      '--port',
      String(SIMULATOR_PORT),
      '--user',
      'broker',
      '--stage-delay-ms',
      '300',
      '--kubeconfig-out',
      path.join(workDir, 'sim', 'kubeconfig'),
    ],
    { cwd: appDir, env: appEnv() },
  );
  const kubeconfig = await waitFor(
    'simulator listening',
    () => {
      const printed = /^kubeconfig: (.+)$/m.exec(sim.output);
      return printed && sim.output.includes('listening on')
        ? printed[1]
        : undefined;
    },
    60_000,
    sim,
  );
  const kubectl = (...args) =>
    execFileSync('kubectl', args, {
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: workDir },
    });
  const vms = kubectl('get', 'vm', '-n', 'payments', '-o', 'name');
  assert(
    vms.includes('virtualmachine.kubevirt.io/payments-batch'),
    `kubectl get vm -n payments:\n${vms}`,
  );
  log(
    `simulator from the tarball serves ${
      vms.trim().split('\n').length
    } VMs in payments (kubectl, ${kubeconfig})`,
  );
  // the guide's RBAC for the broker is valid to an API server: the ClusterRole and binding, dry-run
  // on the server (the simulator serves no ServiceAccount kind, and no OpenAPI kubectl validates
  // RBAC objects with, hence --validate=false: the server still decodes and admits them)
  const rbac = fs
    .readFileSync(path.join(root, 'docs/broker-rbac.yaml'), 'utf8')
    .split(/^---$/m)
    .filter(doc => !/^kind: ServiceAccount$/m.test(doc))
    .join('---');
  const applied = execFileSync(
    'kubectl',
    ['apply', '--dry-run=server', '--validate=false', '-f', '-'],
    {
      input: rbac,
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: workDir },
    },
  );
  for (const object of [
    'clusterrole.rbac.authorization.k8s.io/backstage-kubevirt-broker',
    'clusterrolebinding.rbac.authorization.k8s.io/backstage-kubevirt-broker',
  ])
    assert(
      applied.includes(`${object} created (server dry run)`),
      `kubectl apply --dry-run=server of docs/broker-rbac.yaml:\n${applied}`,
    );
  log(
    'docs/broker-rbac.yaml: ClusterRole and binding accepted by kubectl apply --dry-run=server',
  );
  const text = fs.readFileSync(kubeconfig, 'utf8');
  const field = name => new RegExp(`${name}: (\\S+)`).exec(text)?.[1];
  return {
    kubectl,
    env: {
      KUBEVIRT_CLUSTER_NAME: CLUSTER,
      KUBEVIRT_CLUSTER_URL: field('server'),
      KUBEVIRT_CLUSTER_TOKEN: field('token'),
      KUBEVIRT_CLUSTER_CA_DATA: field('certificate-authority-data'),
    },
  };
}

async function brokerChecks(kubectl) {
  const refresh = await fetch(
    `${backendUrl}/api/auth/guest/refresh?env=development`,
    {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    },
  );
  if (!refresh.ok)
    throw new Error(`guest sign-in: ${refresh.status} ${await refresh.text()}`);
  const { backstageIdentity } = await refresh.json();
  const headers = {
    Authorization: `Bearer ${backstageIdentity.token}`,
    'Content-Type': 'application/json',
  };

  const anonymous = await fetch(`${backendUrl}/api/kubevirt/vms`);
  assert(
    anonymous.status === 401,
    `the broker without credentials answered ${anonymous.status}, not 401`,
  );

  const list = await waitFor(
    'the broker lists the simulator VMs',
    async () => {
      const res = await fetch(
        `${backendUrl}/api/kubevirt/vms?namespace=payments`,
        { headers },
      );
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
      const body = await res.json();
      return body.items?.some(vm => vm.name === 'payments-batch')
        ? body
        : undefined;
    },
    90_000,
  );
  const batch = list.items.find(vm => vm.name === 'payments-batch');
  assert(
    batch.cluster === CLUSTER,
    `payments-batch is on cluster ${batch.cluster}, not ${CLUSTER}`,
  );
  log(
    `broker lists ${list.items.length} VMs in payments for user:development/guest (payments-batch ${batch.status})`,
  );

  const vmPath = `${backendUrl}/api/kubevirt/vms/${CLUSTER}/payments/payments-batch`;
  const start = await fetch(`${vmPath}/start`, {
    method: 'POST',
    headers,
    body: '{}',
  });
  if (start.status < 200 || start.status >= 300)
    throw new Error(`start: ${start.status} ${await start.text()}`);
  await waitFor(
    'payments-batch Running in the broker',
    async () => {
      const res = await fetch(vmPath, { headers });
      const body = await res.json();
      return body.summary?.status === 'Running';
    },
    90_000,
  );
  const printable = kubectl(
    'get',
    'vm',
    '-n',
    'payments',
    'payments-batch',
    '-o',
    'jsonpath={.status.printableStatus}',
  );
  assert(
    printable === 'Running',
    `kubectl says payments-batch is ${printable}`,
  );
  log(
    'start of payments-batch through the broker reached Running (broker and kubectl agree)',
  );
}

function stopAll() {
  for (const child of children) {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  }
}

/**
 * The warm cache: the app's node_modules and yarn's install state from the last run, kept beside
 * this repository's other caches, so better-sqlite3 is not compiled again (no prebuilt binary is
 * reachable here). The app's folder has one fixed path, so the install state stays valid.
 */
const warmCache = path.join(root, '.tools', 'cache', 'consumer-app');
const cachedPaths = ['node_modules', path.join('.yarn', 'install-state.gz')];

function moveCached(from, to) {
  for (const item of cachedPaths) {
    if (!fs.existsSync(path.join(from, item))) continue;
    fs.rmSync(path.join(to, item), { recursive: true, force: true });
    fs.mkdirSync(path.dirname(path.join(to, item)), { recursive: true });
    fs.renameSync(path.join(from, item), path.join(to, item));
  }
}

const configFiles = [
  'app-config.yaml',
  'app-config.local.yaml',
  'app-config.consumer.yaml',
];
const configArgs = configFiles.flatMap(file => ['--config', file]);

async function main() {
  const workDir = path.join(os.tmpdir(), 'kubevirt-consumer');
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir);
  const appDir = path.join(workDir, 'app');
  let installed = false;
  let ok = false;
  try {
    checkTheChecker(workDir);
    const { tarballs, versions } = packAndCheck(path.join(workDir, 'tarballs'));
    prepareApp(appDir, tarballs, versions);
    log(
      `app prepared from fixtures/consumer-app and docs/install.md in ${appDir}`,
    );
    const warm = fs.existsSync(path.join(warmCache, 'node_modules'));
    moveCached(warmCache, appDir);
    yarnIn(appDir, ['install'], { stdio: ['ignore', 'ignore', 'inherit'] });
    installed = true;
    // CONSUMER_UPDATE_LOCK=1: the fixture's lockfile after a change to its package.json files
    if (process.env.CONSUMER_UPDATE_LOCK)
      fs.copyFileSync(
        path.join(appDir, 'yarn.lock'),
        path.join(fixture, 'yarn.lock'),
      );
    log(
      `yarn install of the app (tarballs + registry packages; ${
        warm ? 'warm' : 'cold'
      } node_modules)`,
    );
    const sim = await startSimulator(appDir, workDir);
    // the guide's config, merged into the app's, against the schemas of everything installed
    yarnIn(
      appDir,
      ['backstage-cli', 'config:check', '--strict', ...configArgs],
      {
        env: sim.env,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    log(
      "config:check --strict passes on the app config with the guide's block",
    );
    yarnIn(appDir, ['workspace', 'app', 'build'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    log('frontend bundle built (backstage-cli package build of the app)');
    const backend = startProcess(
      process.execPath,
      [
        path.join(appDir, '.yarn/releases/yarn-4.13.0.cjs'),
        'workspace',
        'backend',
        'start',
        ...configFiles.flatMap(file => ['--config', `../../${file}`]),
      ],
      { cwd: appDir, env: appEnv(sim.env) },
    );
    await waitFor(
      'backend ready',
      async () =>
        (
          await fetch(`${backendUrl}/.backstage/health/v1/readiness`)
        ).ok,
      240_000,
      backend,
    );
    log('backend started with the plugins from the tarballs');
    await brokerChecks(sim.kubectl);
    await checkEntityPage(backendUrl, path.join(workDir, 'chromium'));
    log(
      'Chromium: the entity page of payments-api shows the Virtual Machines tab and its VMs',
    );
    ok = true;
  } finally {
    stopAll();
    if (!ok) {
      // each process's last lines, without the request log
      for (const child of children) {
        const lines = child.output
          .split('\n')
          .filter(line => !line.includes('incomingRequest'));
        console.error(
          `[consumer] output of ${child.spawnargs
            .slice(1, 4)
            .join(' ')}:\n${lines.slice(-60).join('\n')}`,
        );
      }
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
    if (process.env.KEEP_CONSUMER_APP) log(`kept ${workDir}`);
    else {
      if (installed) moveCached(appDir, warmCache);
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  }
  log('PASS');
}

process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

main().catch(error => {
  console.error(`[consumer] FAIL after ${elapsed()}: ${error.stack ?? error}`);
  process.exitCode = 1;
});
