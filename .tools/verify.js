#!/usr/bin/env node
/*
 * The whole test suite: formatting, type check, lint, API reports, unit and integration tests
 * (jest via backstage-cli), then the end-to-end suite in Chromium, then the production end-to-end
 * test, then the consumer install test (.tools/consumer). Every step runs even
 * when an earlier one failed, and the run ends with one pass/fail summary.
 *
 * `yarn verify` (Node 22+) or, on a fresh machine, `npm run verify`.
 * Only the steps named in VERIFY_STEPS run when it is set (e.g. VERIFY_STEPS=unit,e2e).
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const yarnRelease = path.join(root, '.yarn', 'releases', 'yarn-4.13.0.cjs');

function yarn(...args) {
  return [process.execPath, [yarnRelease, ...args]];
}

/** Debian's Chromium, installed with apt-get when missing (Playwright's own download host is unreachable). */
function ensureChromium() {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ];
  const found = candidates.find(p => p && fs.existsSync(p));
  if (found) return found;
  const sudo = process.getuid && process.getuid() === 0 ? [] : ['sudo'];
  const apt = (...args) => {
    const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
    const result = spawnSync(cmd, rest, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0)
      throw new Error(`apt-get ${args.join(' ')} failed`);
  };
  console.log('[verify] installing Debian chromium for the end-to-end tests');
  apt('update', '-qq');
  apt(
    'install',
    '-y',
    '-qq',
    '--no-install-recommends',
    'chromium',
    'fonts-liberation',
  );
  return '/usr/bin/chromium';
}

const steps = [
  {
    name: 'prettier',
    label: 'formatting (yarn prettier:check)',
    cmd: yarn('prettier:check'),
  },
  { name: 'tsc', label: 'type check (yarn tsc)', cmd: yarn('tsc') },
  { name: 'lint', label: 'lint (yarn lint:all)', cmd: yarn('lint:all') },
  {
    // fails when a package's public API differs from its committed report.api.md; after tsc,
    // whose declarations in dist-types it reads
    name: 'api-reports',
    label: 'API reports of the published packages (yarn api-reports --ci)',
    cmd: yarn('api-reports', '--ci'),
  },
  {
    name: 'unit',
    label: 'unit + integration tests (backstage-cli repo test)',
    cmd: yarn('test'),
    env: { CI: 'true' },
  },
  {
    name: 'e2e',
    label: 'end-to-end tests in Chromium (yarn test:e2e)',
    cmd: yarn('test:e2e'),
    prepare: () => ({ CHROMIUM_PATH: ensureChromium() }),
  },
  {
    // after e2e, which has released the development ports; this one builds the backend and the
    // app and runs them as in production (packages/backend/production-test)
    name: 'production',
    label:
      'production end-to-end test: built bundle, PostgreSQL, OIDC, two replicas (yarn test:production)',
    cmd: yarn('test:production'),
    prepare: () => ({ CHROMIUM_PATH: ensureChromium() }),
  },
  {
    // the packages as tarballs, installed into a Backstage app this repository did not write
    name: 'consumer',
    label:
      'consumer install test: tarballs into a fresh Backstage 1.55 app (yarn test:consumer)',
    cmd: yarn('test:consumer'),
    prepare: () => ({ CHROMIUM_PATH: ensureChromium() }),
  },
];

function runStep(step) {
  return new Promise(resolve => {
    const started = Date.now();
    let env;
    try {
      env = {
        ...process.env,
        ...step.env,
        ...(step.prepare ? step.prepare() : {}),
      };
    } catch (error) {
      console.error(`[verify] ${step.label}: ${error.message}`);
      resolve({ step, ok: false, seconds: 0 });
      return;
    }
    console.log(`\n[verify] ▶ ${step.label}`);
    const [cmd, args] = step.cmd;
    const child = spawn(cmd, args, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', code => {
      resolve({ step, ok: code === 0, seconds: (Date.now() - started) / 1000 });
    });
  });
}

async function main() {
  const only = process.env.VERIFY_STEPS?.split(',').map(s => s.trim());
  const selected = steps.filter(s => !only || only.includes(s.name));
  const results = [];
  for (const step of selected) {
    results.push(await runStep(step));
  }
  console.log('\n[verify] ─── summary ───');
  for (const r of results) {
    console.log(
      `[verify] ${r.ok ? 'PASS' : 'FAIL'}  ${
        r.step.label
      }  (${r.seconds.toFixed(0)} s)`,
    );
  }
  const failed = results.filter(r => !r.ok);
  console.log(
    failed.length
      ? `[verify] FAILED: ${failed.map(r => r.step.name).join(', ')}`
      : '[verify] ALL PASSED',
  );
  process.exitCode = failed.length ? 1 : 0;
}

main();
