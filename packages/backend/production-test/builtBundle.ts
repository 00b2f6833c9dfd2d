import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
const bundleTar = path.join(repoRoot, 'packages/backend/dist/bundle.tar.gz');

/** Files the built backend reads at run time besides the bundle (the image copies the same, docs/deploy.md). */
const runtimeFiles = [
  'app-config.yaml',
  'app-config.production.yaml',
  'packages/backend/catalog',
  'templates',
];

/**
 * `yarn build:backend`: the backend bundle, with the app built into it (the app is a bundled
 * package, served by the app-backend plugin). Returns the seconds it took.
 */
export function buildBackend(): number {
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [path.join(repoRoot, '.yarn/releases/yarn-4.13.0.cjs'), 'build:backend'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(
      `yarn build:backend failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return (Date.now() - started) / 1000;
}

/**
 * Mirrors one node_modules folder of the repository: workspace packages (relative links into the
 * repository) become the same relative links, so they point at the unpacked bundle's built
 * packages; everything else links to the installed package. This stands in for the image's
 * `yarn workspaces focus --all --production`, which needs the registry.
 */
function mirrorNodeModules(source: string, target: string) {
  fs.mkdirSync(target, { recursive: true });
  for (const name of fs.readdirSync(source)) {
    if (name === '.bin' || name.startsWith('.')) continue;
    const entry = path.join(source, name);
    const stat = fs.lstatSync(entry);
    if (name.startsWith('@') && stat.isDirectory()) {
      mirrorNodeModules(entry, path.join(target, name));
    } else if (stat.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(entry), path.join(target, name));
    } else {
      fs.symlinkSync(entry, path.join(target, name));
    }
  }
}

/**
 * Unpacks the bundle as the image does (bundle.tar.gz at the root of `dir`, with the config and
 * catalog files beside it) and returns `dir`. Run the backend there with
 * `node packages/backend --config app-config.yaml --config app-config.production.yaml`.
 */
export function unpackBundle(dir: string): string {
  if (!fs.existsSync(bundleTar)) {
    throw new Error(`${bundleTar} is missing: run yarn build:backend first`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const tar = spawnSync('tar', ['xzf', bundleTar, '-C', dir], {
    encoding: 'utf8',
  });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  for (const file of runtimeFiles) {
    fs.cpSync(path.join(repoRoot, file), path.join(dir, file), {
      recursive: true,
    });
  }
  mirrorNodeModules(
    path.join(repoRoot, 'node_modules'),
    path.join(dir, 'node_modules'),
  );
  for (const pkg of ['packages/backend']) {
    const nested = path.join(repoRoot, pkg, 'node_modules');
    if (fs.existsSync(nested)) {
      mirrorNodeModules(nested, path.join(dir, pkg, 'node_modules'));
    }
  }
  return dir;
}
