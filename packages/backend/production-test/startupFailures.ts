import { PostgresRun } from './postgres';
import { tail } from './processes';
import {
  Cluster,
  ports,
  productionEnv,
  startBuiltBackend,
} from './productionStack';

export type StartupOutcome = {
  /** false: still running at the time limit (half-running) */
  exited: boolean;
  exitCode: number | null;
  seconds: number;
  everReady: boolean;
  /** the first error-level log line, or the last lines when there is none */
  message: string;
};

type Context = {
  bundleDir: string;
  workDir: string;
  pg: PostgresRun;
  cluster: Cluster;
  testConfig: string;
};

/**
 * Starts the built backend with one piece of configuration broken and waits for it to end; a
 * backend still running (or ready) after `limitMs` is a half-running backend and fails the case.
 */
async function startBroken(
  ctx: Context,
  name: string,
  overrides: Record<string, string | undefined>,
  limitMs = 90_000,
): Promise<StartupOutcome> {
  const started = Date.now();
  const service = startBuiltBackend({
    bundleDir: ctx.bundleDir,
    workDir: ctx.workDir,
    name: `startup-${name}`,
    env: productionEnv({
      port: ports.replicaB,
      pg: ctx.pg,
      cluster: ctx.cluster,
      overrides,
    }),
    testConfig: ctx.testConfig,
  });
  let everReady = false;
  let exitCode: number | null | undefined;
  service.exited.then(code => {
    exitCode = code;
  });
  while (exitCode === undefined && Date.now() - started < limitMs) {
    try {
      const res = await fetch(
        `http://localhost:${ports.replicaB}/.backstage/health/v1/readiness`,
        {
          signal: AbortSignal.timeout(1_000),
        },
      );
      if (res.status === 200) everReady = true;
    } catch {
      // not listening
    }
    await new Promise(r => setTimeout(r, 500));
  }
  const seconds = (Date.now() - started) / 1000;
  if (exitCode === undefined) {
    await service.stop();
    return {
      exited: false,
      exitCode: null,
      seconds,
      everReady,
      message: `still running after ${seconds.toFixed(0)} s`,
    };
  }
  const log = tail(service.log, 50_000);
  // the reason index.ts prints when the start failed (every plugin's error), else the first error
  const failed = log.indexOf('Backend startup failed:');
  const errorLine = log
    .split('\n')
    .find(line => line.includes('"level":"error"'));
  const message =
    failed >= 0 ? log.slice(failed) : errorLine ?? log.slice(-1500);
  return {
    exited: true,
    exitCode,
    seconds,
    everReady,
    message: message.slice(0, 2000),
  };
}

export const startupFailureCases: Array<{
  name: string;
  expected: RegExp;
  run(ctx: Context): Promise<StartupOutcome>;
}> = [
  {
    name: 'missing database password (POSTGRES_PASSWORD unset)',
    expected: /password/i,
    run: ctx =>
      startBroken(ctx, 'no-db-password', { POSTGRES_PASSWORD: undefined }),
  },
  {
    name: 'unreachable database (nothing listens on the port)',
    expected: /ECONNREFUSED|connect/i,
    run: ctx => startBroken(ctx, 'db-unreachable', { POSTGRES_PORT: '1' }),
  },
  {
    name: 'OpenID Connect provider down (metadata URL refuses connections)',
    expected: /OpenID Connect|oidc/i,
    run: ctx =>
      startBroken(ctx, 'oidc-down', {
        OIDC_METADATA_URL:
          'http://localhost:1/.well-known/openid-configuration',
      }),
  },
  {
    name: 'cluster without a service account token (KUBEVIRT_CLUSTER_TOKEN unset)',
    expected: /serviceAccountToken|token/i,
    run: ctx =>
      startBroken(ctx, 'cluster-no-token', {
        KUBEVIRT_CLUSTER_TOKEN: undefined,
      }),
  },
];
