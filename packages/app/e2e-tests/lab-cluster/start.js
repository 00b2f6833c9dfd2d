/* eslint-disable no-console */
/**
 * The e2e suite's second cluster, `lab-sim` on :7011 (app-config.lab-cluster.yaml): an empty
 * simulated KubeVirt 1.6 without the HotplugVolumes feature gate, whose broker identity holds
 * the generated docs/broker-rbac.yaml ClusterRole minus one right (update on
 * virtualmachines/migrate). Started by playwright.config.ts before the backend.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');

const root = path.resolve(__dirname, '../../../..');
const port = process.env.LAB_SIM_PORT ?? '7011';
const tlsDir = path.join(root, '.tools/cache/kubevirt-simulator');
const ADMIN = 'simulator-admin-token';
const ROLE = '/apis/rbac.authorization.k8s.io/v1/clusterroles/backstage-broker';
const WITHOUT = 'virtualmachines/migrate';

function call(method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `https://127.0.0.1:${port}${urlPath}`,
      {
        method,
        ca: fs.readFileSync(path.join(tlsDir, 'ca.crt')),
        headers: {
          Authorization: `Bearer ${ADMIN}`,
          'Content-Type': 'application/json',
        },
      },
      res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () =>
          res.statusCode >= 400
            ? reject(
                new Error(`${method} ${urlPath}: ${res.statusCode} ${text}`),
              )
            : resolve(JSON.parse(text)),
        );
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** The rules of the generated ClusterRole, read from the one flow-style shape `yarn rbac:generate` writes. */
function generatedRules() {
  const text = fs.readFileSync(
    path.join(root, 'docs/broker-rbac.yaml'),
    'utf8',
  );
  const role = text
    .split(/^---$/m)
    .find(doc => /^kind: ClusterRole$/m.test(doc));
  const list = value =>
    value
      .split(',')
      .map(v => v.trim())
      .map(v => (v === "''" ? '' : v));
  const rules = [
    ...role.matchAll(
      /- apiGroups: \[(.*)\]\n\s+resources: \[(.*)\]\n\s+verbs: \[(.*)\]/g,
    ),
  ].map(([, apiGroups, resources, verbs]) => ({
    apiGroups: list(apiGroups),
    resources: list(resources),
    verbs: list(verbs),
  }));
  if (!rules.length || rules.length !== role.split('apiGroups:').length - 1)
    throw new Error(
      'docs/broker-rbac.yaml: a ClusterRole rule is not in the one-line shape this reads',
    );
  return rules;
}

async function restrictBroker() {
  const rules = generatedRules().filter(r => !r.resources.includes(WITHOUT));
  const role = await call('GET', ROLE);
  await call('PUT', ROLE, { ...role, rules });
}

const child = spawn(
  process.execPath,
  [
    path.join(root, 'packages/kubevirt-simulator/bin/kubevirt-simulator.js'),
    'start',
    '--port',
    port,
    '--seed',
    'none',
    '--tls-dir',
    tlsDir,
    '--feature-gates',
    'Snapshot,ExpandDisks,VMExport',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
child.stdout.on('data', chunk => {
  if (!String(chunk).includes('listening on')) return;
  restrictBroker().then(
    () => console.log(`lab-sim ready on :${port}, broker without ${WITHOUT}`),
    error => {
      console.error(error);
      child.kill('SIGTERM');
      process.exit(1);
    },
  );
});
child.on('exit', code => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => child.kill('SIGTERM'));
