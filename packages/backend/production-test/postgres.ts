import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * PostgreSQL 15 for the production test: the machine's cluster `15 main`, started here when it is
 * down (and stopped again at the end), and a throwaway login role per run. The role has CREATEDB
 * and nothing more, as a production Backstage role needs: Backstage creates one database per
 * plugin, named with the run's prefix, and they are all dropped at the end.
 */
export type PostgresRun = {
  host: string;
  port: number;
  user: string;
  password: string;
  /** backend.database.prefix: every plugin database of this run starts with it */
  prefix: string;
  startedCluster: boolean;
};

const version = '15';
const cluster = 'main';

// util-linux installs runuser in /usr/sbin, which a non-login shell's PATH may lack
const runuser =
  ['/usr/sbin/runuser', '/sbin/runuser'].find(p => fs.existsSync(p)) ??
  'runuser';

function asPostgres(sql: string): string {
  return execFileSync(
    runuser,
    [
      '-u',
      'postgres',
      '--',
      'psql',
      '-X',
      '-A',
      '-t',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      sql,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

function clusterStatus(): { online: boolean; port: number } {
  const line = execFileSync('pg_lsclusters', ['--no-header'], {
    encoding: 'utf8',
  })
    .split('\n')
    .map(l => l.trim().split(/\s+/))
    .find(cols => cols[0] === version && cols[1] === cluster);
  if (!line) {
    throw new Error(
      `PostgreSQL ${version}/${cluster} is not installed (pg_lsclusters lists no such cluster)`,
    );
  }
  return { online: line[3] === 'online', port: Number(line[2]) };
}

export function startPostgres(): PostgresRun {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the production test starts PostgreSQL with pg_ctlcluster and needs root',
    );
  }
  let { online, port } = clusterStatus();
  const startedCluster = !online;
  if (!online) {
    execFileSync('pg_ctlcluster', [version, cluster, 'start'], {
      stdio: 'inherit',
    });
    ({ online, port } = clusterStatus());
    if (!online)
      throw new Error(`pg_ctlcluster ${version} ${cluster} start left it down`);
  }
  const run = crypto.randomBytes(4).toString('hex');
  const user = `backstage_e2e_${run}`;
  const password = crypto.randomBytes(18).toString('base64url');
  asPostgres(`CREATE ROLE ${user} LOGIN CREATEDB PASSWORD '${password}'`);
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    prefix: `${user}_`,
    startedCluster,
  };
}

/** Drops the run's databases and role; stops the cluster if this run started it. */
export function stopPostgres(pg: PostgresRun) {
  try {
    const databases = asPostgres(
      `SELECT datname FROM pg_database WHERE datname LIKE '${pg.prefix}%'`,
    )
      .split('\n')
      .map(s => s.trim())
      .filter(Boolean);
    for (const db of databases) {
      asPostgres(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    }
    asPostgres(`DROP ROLE IF EXISTS ${pg.user}`);
  } finally {
    if (pg.startedCluster) {
      execFileSync('pg_ctlcluster', [version, cluster, 'stop'], {
        stdio: 'inherit',
      });
    }
  }
}
