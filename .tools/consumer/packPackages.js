'use strict';
/*
 * Builds and packs the published packages the way `npm publish` would see them: `backstage-cli
 * package build`, then `yarn pack` (which runs prepack/postpack, so package.json gets its
 * publishConfig and workspace: ranges become versions). Then checks what each tarball holds.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const { builtinModules } = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const yarnRelease = path.join(root, '.yarn', 'releases', 'yarn-4.13.0.cjs');

/** The packages an app installs, in dependency order. */
const publishedPackages = [
  'plugins/kubevirt-common',
  'plugins/kubevirt-node',
  'plugins/kubevirt-backend',
  'plugins/permission-backend-module-kubevirt',
  'plugins/catalog-backend-module-kubevirt',
  'plugins/scaffolder-backend-module-kubevirt',
  'plugins/kubevirt',
  'packages/kubevirt-simulator',
];

/** Paths in a tarball that are development material, never something an app runs. */
const forbidden = [
  [
    /(^|\/)(__tests__|__testUtils__|__fixtures__|fixtures|testUtils)\//,
    'test helpers or fixtures',
  ],
  [/\.test\.(js|jsx|ts|tsx|mjs|cjs)$|\.test\.d\.ts$/, 'a test'],
  [/(^|\/)setupTests\./, 'jest setup'],
  [/^package\/src\/.*\.(ts|tsx|js|jsx)$/, 'sources'],
  [/(^|\/)(bench|dev)\//, 'benchmarks or dev setup'],
];

function yarn(args, cwd) {
  return execFileSync(process.execPath, [yarnRelease, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function tarList(tarball) {
  return execFileSync('tar', ['-tzvf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(line => {
      const parts = line.trim().split(/\s+/);
      return { size: Number(parts[2]), file: parts[parts.length - 1] };
    });
}

/** Unpacks a tarball once; its files are then read from the folder. */
function unpack(tarball) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubevirt-tarball-'));
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  return {
    read: file => fs.readFileSync(path.join(dir, file), 'utf8'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Everything wrong with one tarball: forbidden files, maps reaching outside it, unresolved ranges, missing entry files. */
function inspectTarball(tarball) {
  const entries = tarList(tarball);
  const files = new Set(entries.map(e => e.file));
  const problems = [];
  const unpacked = unpack(tarball);
  const tarRead = (_tarball, file) => unpacked.read(file);
  try {
    for (const { file } of entries) {
      for (const [pattern, what] of forbidden) {
        if (pattern.test(file)) problems.push(`${file}: ${what}`);
      }
      if (file.endsWith('.map')) {
        const map = JSON.parse(tarRead(tarball, file));
        const dir = path.posix.dirname(file);
        for (const source of map.sources ?? []) {
          // a map's sources are relative to the map; the package's own sources sit one level above package/
          const resolved = path.posix.normalize(path.posix.join(dir, source));
          if (
            !resolved.startsWith('package/') ||
            resolved.includes('node_modules/')
          )
            problems.push(`${file}: maps ${source}, outside this package`);
        }
      }
    }
    const manifest = JSON.parse(tarRead(tarball, 'package/package.json'));
    for (const section of [
      'dependencies',
      'peerDependencies',
      'optionalDependencies',
    ]) {
      for (const [name, range] of Object.entries(manifest[section] ?? {})) {
        if (/^(workspace|link|file|portal):/.test(range))
          problems.push(`package.json ${section}.${name}: ${range}`);
      }
    }
    if (manifest.private) problems.push('package.json: private');
    // every package the built code imports is declared, so an app installs it (no workspace hoisting there)
    const declared = new Set(
      Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }),
    );
    for (const { file } of entries) {
      if (!/^package\/dist\/.*\.js$/.test(file)) continue;
      const code = tarRead(tarball, file);
      for (const [, specifier] of code.matchAll(
        /(?:require\(|from |import\()\s*['"]([^'".][^'"]*)['"]/g,
      )) {
        const parts = specifier.split('/');
        const name = specifier.startsWith('@')
          ? parts.slice(0, 2).join('/')
          : parts[0];
        if (specifier.startsWith('node:') || builtinModules.includes(name))
          continue;
        if (!declared.has(name))
          problems.push(`${file} imports ${name}, not a dependency`);
      }
    }
    const targets = [manifest.main, manifest.types, manifest.module];
    for (const value of Object.values(manifest.exports ?? {})) {
      const paths =
        typeof value === 'string' ? [value] : Object.values(value ?? {});
      // other condition values are metadata (Backstage's feature type), not files
      targets.push(
        ...paths.filter(p => typeof p === 'string' && p.startsWith('./')),
      );
    }
    for (const bin of Object.values(
      typeof manifest.bin === 'string'
        ? { bin: manifest.bin }
        : manifest.bin ?? {},
    ))
      targets.push(bin);
    for (const target of targets.filter(Boolean)) {
      const file = path.posix.join('package', target);
      if (!files.has(file))
        problems.push(`package.json points at ${target}, not in the tarball`);
    }
    const hasCjs = [...files].some(f => /^package\/dist\/.*\.cjs\.js$/.test(f));
    const hasTypes = files.has('package/dist/index.d.ts');
    if (!hasCjs && !files.has('package/dist/index.esm.js'))
      problems.push('no built JavaScript in dist/');
    if (!hasTypes) problems.push('no dist/index.d.ts');
    return {
      name: manifest.name,
      version: manifest.version,
      files: entries.length,
      bytes: fs.statSync(tarball).size,
      unpackedBytes: entries.reduce((sum, e) => sum + e.size, 0),
      problems,
    };
  } finally {
    unpacked.remove();
  }
}

/** Builds and packs every published package into outDir as <dir-name>.tgz; returns the tarball per package name. */
function packPackages(outDir, log = console.log) {
  fs.mkdirSync(outDir, { recursive: true });
  const tarballs = {};
  for (const dir of publishedPackages) {
    const cwd = path.join(root, dir);
    const { name } = JSON.parse(
      fs.readFileSync(path.join(cwd, 'package.json'), 'utf8'),
    );
    const started = Date.now();
    yarn(['backstage-cli', 'package', 'build'], cwd);
    const tarball = path.join(outDir, `${path.basename(dir)}.tgz`);
    yarn(['pack', '--out', tarball], cwd);
    log(`packed ${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    tarballs[name] = tarball;
  }
  return tarballs;
}

module.exports = { packPackages, inspectTarball, publishedPackages };
