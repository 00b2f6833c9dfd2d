import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './builtBundle';
import { PostgresRun } from './postgres';
import { Service, startService, waitUntilReady } from './processes';

export const ports = {
  replicaA: 7107,
  replicaB: 7108,
  oidc: 7109,
  simulator: 7110,
};

export const oidcClient = {
  id: 'kubevirt-portal',
  secret: 'production-test-client-secret',
};

/** The identity provider's users: two match catalog Users (packages/backend/catalog/org.yaml), one does not. */
export const idpUsers = {
  alice: { email: 'alice@demo-corp.example', name: 'Alice' }, // team-payments: vm-power-user on its VMs
  bob: { email: 'bob@demo-corp.example', name: 'Bob' }, // team-orders: vm-viewer
  mallory: { email: 'mallory@elsewhere.example', name: 'Mallory' }, // not in the catalog
};

export function startOidcProvider(workDir: string): Promise<Service> {
  const users = path.join(workDir, 'idp-users.json');
  fs.writeFileSync(users, JSON.stringify(idpUsers));
  const service = startService(
    'oidc-provider',
    process.execPath,
    [
      path.join(__dirname, 'oidcProvider.mjs'),
      '--port',
      String(ports.oidc),
      '--users',
      users,
      '--client-id',
      oidcClient.id,
      '--client-secret',
      oidcClient.secret,
      ...[ports.replicaA, ports.replicaB].flatMap(port => [
        '--redirect-uri',
        `http://localhost:${port}/api/auth/oidc/handler/frame`,
      ]),
    ],
    { cwd: repoRoot, log: path.join(workDir, 'oidc-provider.log') },
  );
  return waitUntilReady(
    service,
    `http://localhost:${ports.oidc}/.well-known/openid-configuration`,
    30_000,
  ).then(() => service);
}

export type Cluster = {
  service: Service;
  kubeconfig: string;
  url: string;
  caFile: string;
  token: string;
};

/**
 * The KubeVirt simulator as its own process, reached like a real cluster: HTTPS with its own CA,
 * and the service account token of the `broker` user from the kubeconfig it writes.
 */
export async function startCluster(
  workDir: string,
  options: { port: number; vms?: number; name: string },
): Promise<Cluster> {
  const dir = path.join(workDir, options.name);
  fs.mkdirSync(dir, { recursive: true });
  const kubeconfig = path.join(dir, 'kubeconfig');
  const service = startService(
    options.name,
    process.execPath,
    [
      path.join(
        repoRoot,
        'packages/kubevirt-simulator/bin/kubevirt-simulator.js',
      ),
      'start',
      '--port',
      String(options.port),
      '--tls-dir',
      dir,
      '--kubeconfig-out',
      kubeconfig,
      '--user',
      'broker',
      '--vms',
      String(options.vms ?? 0),
    ],
    { cwd: repoRoot, log: path.join(workDir, `${options.name}.log`) },
  );
  const deadline = Date.now() + 120_000;
  while (!fs.existsSync(kubeconfig)) {
    if (service.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(
        `${options.name} did not start: ${fs.readFileSync(
          service.log,
          'utf8',
        )}`,
      );
    }
    await new Promise(r => setTimeout(r, 200));
  }
  const text = fs.readFileSync(kubeconfig, 'utf8');
  const token = /token: (\S+)/.exec(text)?.[1];
  const url = /server: (\S+)/.exec(text)?.[1];
  if (!token || !url) throw new Error(`no server or token in ${kubeconfig}`);
  return { service, kubeconfig, url, caFile: path.join(dir, 'ca.crt'), token };
}

/**
 * The environment app-config.production.yaml reads (docs/deploy.md lists it), for one replica.
 * `unset` names variables to leave out, for the startup failure checks.
 */
export function productionEnv(options: {
  port: number;
  pg: PostgresRun;
  cluster: Pick<Cluster, 'url' | 'caFile' | 'token'>;
  overrides?: Record<string, string | undefined>;
}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    BACKSTAGE_BASE_URL: `http://localhost:${options.port}`,
    BACKSTAGE_PORT: String(options.port),
    POSTGRES_HOST: options.pg.host,
    POSTGRES_PORT: String(options.pg.port),
    POSTGRES_USER: options.pg.user,
    POSTGRES_PASSWORD: options.pg.password,
    AUTH_SESSION_SECRET: 'production-test-session-secret',
    OIDC_METADATA_URL: `http://localhost:${ports.oidc}/.well-known/openid-configuration`,
    OIDC_CLIENT_ID: oidcClient.id,
    OIDC_CLIENT_SECRET: oidcClient.secret,
    OIDC_TITLE: 'Demo Corp SSO',
    KUBEVIRT_CLUSTER_NAME: 'local-sim',
    KUBEVIRT_CLUSTER_TITLE: 'KubeVirt (simulator as a cluster)',
    KUBEVIRT_CLUSTER_URL: options.cluster.url,
    KUBEVIRT_CLUSTER_TOKEN: options.cluster.token,
    KUBEVIRT_CLUSTER_CA_FILE: options.cluster.caFile,
  };
  // a development aid: e.g. PRODUCTION_TEST_LOG_LEVEL=debug to see signals subscriptions in the replicas' logs
  if (process.env.PRODUCTION_TEST_LOG_LEVEL)
    env.LOG_LEVEL = process.env.PRODUCTION_TEST_LOG_LEVEL;
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * The test's own config file: only what a test run needs on top of the production config (a
 * database prefix per run, so its plugin databases can be dropped afterwards; the VM entity
 * provider's first pass sooner).
 */
export function writeTestConfig(workDir: string, prefix: string): string {
  const file = path.join(workDir, `app-config.test-${prefix}.yaml`);
  fs.writeFileSync(
    file,
    [
      'backend:',
      '  database:',
      `    prefix: ${prefix}`,
      'catalog:',
      '  providers:',
      '    kubevirt:',
      '      schedule:',
      '        frequency: { minutes: 10 }',
      '        timeout: { minutes: 5 }',
      '        initialDelay: { seconds: 1 }',
      '',
    ].join('\n'),
  );
  return file;
}

export type Replica = { service: Service; url: string; readySeconds: number };

/** One built backend, as the image runs it, from the unpacked bundle. */
export async function startReplica(options: {
  bundleDir: string;
  workDir: string;
  name: string;
  env: NodeJS.ProcessEnv;
  testConfig: string;
  timeoutMs?: number;
}): Promise<Replica> {
  const started = Date.now();
  const service = startBuiltBackend(options);
  const url = options.env.BACKSTAGE_BASE_URL!;
  try {
    const readySeconds = await waitUntilReady(
      service,
      `${url}/.backstage/health/v1/readiness`,
      options.timeoutMs ?? 240_000,
      started,
    );
    return { service, url, readySeconds };
  } catch (error) {
    // a replica that never got ready must not outlive the test
    await service.stop();
    throw error;
  }
}

export function startBuiltBackend(options: {
  bundleDir: string;
  workDir: string;
  name: string;
  env: NodeJS.ProcessEnv;
  testConfig: string;
}): Service {
  return startService(
    options.name,
    process.execPath,
    [
      'packages/backend',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
      '--config',
      options.testConfig,
    ],
    {
      cwd: options.bundleDir,
      env: options.env,
      log: path.join(options.workDir, `${options.name}.log`),
    },
  );
}
