import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { dumpYaml } from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildOpenApiDocument } from './openApiDocument';

/** Writes openapi.yaml from the route table, then formats it as the repository formats YAML. */
const file = resolvePackagePath(
  '@kubevirt-backstage/plugin-kubevirt-backend',
  'src/schema/openapi.yaml',
);
fs.writeFileSync(
  file,
  `# Generated from src/schema/routes.ts by \`yarn openapi:generate\`; edit the routes and schemas, not this file.\n${dumpYaml(
    buildOpenApiDocument(),
    { lineWidth: -1 },
  )}`,
);
const prettierPackage = require.resolve('prettier/package.json');
const { bin } = JSON.parse(fs.readFileSync(prettierPackage, 'utf8'));
execFileSync(
  process.execPath,
  [path.join(path.dirname(prettierPackage), bin), '--write', file],
  { stdio: 'inherit' },
);
