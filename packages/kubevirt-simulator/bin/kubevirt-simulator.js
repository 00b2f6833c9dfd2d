#!/usr/bin/env node
// Runs the TypeScript sources directly, with the same SWC transform the backend uses in development.
require('@backstage/cli/config/nodeTransform.cjs');
require('../src/cli.ts');
