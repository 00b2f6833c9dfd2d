#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');

// In this repository the TypeScript sources run directly, with the SWC transform the backend uses
// in development; the published package (no src/) runs its build.
const source = path.resolve(__dirname, '../src/cli.ts');
let cli;
if (fs.existsSync(source)) {
  require('@backstage/cli/config/nodeTransform.cjs');
  cli = require(source);
} else {
  cli = require('../dist/cli.cjs.js');
}

cli.runSimulatorCli(process.argv.slice(2)).catch(error => {
  process.stderr.write(`kubevirt-simulator: ${error.message}\n`);
  process.exit(1);
});
