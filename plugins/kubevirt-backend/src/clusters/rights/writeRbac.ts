import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import path from 'node:path';
import { formatYaml } from './formatYaml';
import { rbacManifests } from './rbacManifests';

/** Writes docs/broker-rbac*.yaml from the rights list, formatted as the repository formats YAML. */
const docs = resolvePackagePath(
  '@kubevirt-backstage/plugin-kubevirt-backend',
  '../../docs',
);
for (const [name, text] of Object.entries(rbacManifests())) {
  const file = path.join(docs, name);
  fs.writeFileSync(file, formatYaml(text, file));
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}
