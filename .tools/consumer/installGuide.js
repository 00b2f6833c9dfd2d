'use strict';
/*
 * Applies docs/install.md to an app: the blocks marked `<!-- consumer-test: <step> -->` are read
 * from the guide itself, so the guide is what gets tested, not a copy of it.
 */
const fs = require('node:fs');
const path = require('node:path');

const guide = path.resolve(__dirname, '../../docs/install.md');

/** The fenced block after each marker, by step name. */
function guideBlocks(text = fs.readFileSync(guide, 'utf8')) {
  const blocks = {};
  const marker =
    /<!-- consumer-test: ([a-z-]+) -->\s*```[a-z]*\n([\s\S]*?)```/g;
  for (const [, step, body] of text.matchAll(marker)) blocks[step] = body;
  for (const step of [
    'backend-dependencies',
    'frontend-dependencies',
    'backend-index-remove',
    'backend-index-add',
    'minimal-config',
  ]) {
    if (!blocks[step])
      throw new Error(
        `docs/install.md has no block marked consumer-test: ${step}`,
      );
  }
  return blocks;
}

/** `yarn --cwd <dir> add <pkgs...>` lines, as { dir, packages }. */
function yarnAdds(block) {
  return block
    .split('\n')
    .map(line => /^yarn --cwd (\S+) add (.+)$/.exec(line.trim()))
    .filter(Boolean)
    .map(([, dir, pkgs]) => ({ dir, packages: pkgs.trim().split(/\s+/) }));
}

/**
 * `yarn add` as the guide says, with the versions the tarballs carry (the packages are not on the
 * registry in this test; the app's resolutions point their names at the tarballs).
 */
function addDependencies(appDir, block, versions) {
  for (const { dir, packages } of yarnAdds(block)) {
    const file = path.join(appDir, dir, 'package.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const name of packages) {
      if (!versions[name])
        throw new Error(`docs/install.md adds ${name}, which is not packed`);
      manifest.dependencies[name] = `^${versions[name]}`;
    }
    fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

/** Removes the guide's lines from the backend's index.ts and adds its lines before backend.start(). */
function editBackendIndex(appDir, blocks) {
  const file = path.join(appDir, 'packages/backend/src/index.ts');
  let source = fs.readFileSync(file, 'utf8');
  const remove = blocks['backend-index-remove'].trim();
  if (!source.includes(remove))
    throw new Error(`the backend's index.ts has no\n${remove}\nto remove`);
  source = source.replace(remove, '');
  if (!source.includes('backend.start();'))
    throw new Error("the backend's index.ts has no backend.start();");
  source = source.replace(
    'backend.start();',
    `${blocks['backend-index-add'].trim()}\n\nbackend.start();`,
  );
  fs.writeFileSync(file, source);
}

module.exports = { guideBlocks, addDependencies, editBackendIndex, yarnAdds };
