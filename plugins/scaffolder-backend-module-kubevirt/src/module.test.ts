import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { actionContext } from './__testUtils__/harness';
import { scaffolderModuleKubevirt } from './module';

jest.setTimeout(60_000);

const component = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations: { 'backstage.io/kubernetes-id': name } },
  spec: {
    type: 'service',
    lifecycle: 'experimental',
    owner: 'group:default/team-payments',
    ...extra,
  },
});

/** The module in a backend with the real catalog, reading the local directory through a file location. */
async function start(
  options: {
    directory?: string;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  } = {},
) {
  const actions: TemplateAction<any, any>[] = [];
  const backend = await startTestBackend({
    extensionPoints: [
      [
        scaffolderActionsExtensionPoint,
        {
          addActions: (...a: TemplateAction<any, any>[]) => actions.push(...a),
        },
      ],
    ],
    features: [
      scaffolderModuleKubevirt,
      catalogPlugin,
      mockServices.permissions.factory({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://portal.test' },
          scaffolder: options.directory
            ? { kubevirt: { localCatalogDirectory: options.directory } }
            : {},
          catalog: {
            rules: [
              { allow: ['Component', 'Resource', 'System', 'API', 'Location'] },
            ],
            locations: options.directory
              ? [
                  {
                    type: 'file',
                    target: path.join(options.directory, '*.yaml'),
                  },
                ]
              : [],
          },
        },
      }),
    ],
  });
  const byId = (id: string) => actions.find(a => a.id === id)!;
  return { backend, actions, byId };
}

describe('scaffolder module', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubevirt-local-catalog-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('registers every action with a schema, examples and dry-run support', async () => {
    const { backend, actions } = await start({ directory: dir });
    try {
      expect(actions.map(a => a.id).sort()).toEqual([
        'kubevirt:catalog:register-local',
        'kubevirt:vm:action',
        'kubevirt:vm:create',
        'kubevirt:vm:delete',
        'kubevirt:vm:resize-disk',
        'kubevirt:vm:resources',
        'kubevirt:vm:snapshot',
        'kubevirt:vm:wait',
      ]);
      for (const action of actions) {
        expect(action.supportsDryRun).toBe(true);
        expect(action.examples?.length).toBeGreaterThan(0);
        // examples are YAML a template author can paste
        for (const e of action.examples ?? [])
          expect(YAML.parse(e.example).steps[0].action).toBe(action.id);
        const props = (action.schema?.input as any).properties;
        for (const [key, prop] of Object.entries<any>(props))
          expect([key, prop.description]).toEqual([key, expect.any(String)]);
      }
      const create = actions.find(a => a.id === 'kubevirt:vm:create')!;
      expect((create.schema?.input as any).required.sort()).toEqual([
        'cluster',
        'name',
        'namespace',
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('register-local writes the entity where the catalog reads it, and the catalog has it within seconds', async () => {
    const { backend, byId } = await start({ directory: dir });
    try {
      // as in a running portal: the catalog has read its configured locations
      for (let i = 0; i < 200; i++) {
        const res = await request(backend.server)
          .get('/api/catalog/entities?filter=kind=location')
          .set('Authorization', mockCredentials.user.header());
        if (res.body.length) break;
        await new Promise(r => setTimeout(r, 100));
      }
      const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'ws-'));
      await fs.writeFile(
        path.join(workspace, 'catalog-info.yaml'),
        YAML.stringify(component('orders-db-service')),
      );
      const { ctx, outputs, lines } = actionContext(
        { filePath: 'catalog-info.yaml', timeoutSeconds: 30 },
        { workspacePath: workspace },
      );
      const started = Date.now();
      await byId('kubevirt:catalog:register-local').handler(ctx as any);
      expect(outputs()).toEqual({
        entityRef: 'component:default/orders-db-service',
        entityRefs: ['component:default/orders-db-service'],
      });
      expect(lines.join('\n')).toContain(
        'component:default/orders-db-service is in the catalog',
      );
      // well under the catalog's processing interval (100 s and more): the location was refreshed
      expect(Date.now() - started).toBeLessThan(30_000);
      const res = await request(backend.server)
        .get(
          '/api/catalog/entities/by-name/component/default/orders-db-service',
        )
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      expect(
        res.body.metadata.annotations['backstage.io/managed-by-location'],
      ).toBe(
        `file:${path.join(dir, 'component.default.orders-db-service.yaml')}`,
      );

      // the same again: success, file unchanged
      const again = actionContext({ entity: component('orders-db-service') });
      await byId('kubevirt:catalog:register-local').handler(again.ctx as any);
      expect(again.lines.join('\n')).toContain('already registered locally');
      // another entity of that name: error, file unchanged
      const differs = actionContext({
        entity: component('orders-db-service', { lifecycle: 'production' }),
      });
      await expect(
        byId('kubevirt:catalog:register-local').handler(differs.ctx as any),
      ).rejects.toThrow(
        /component:default\/orders-db-service is already registered locally .* with different content/,
      );
      expect(
        YAML.parse(
          await fs.readFile(
            path.join(dir, 'component.default.orders-db-service.yaml'),
            'utf8',
          ),
        ).spec.lifecycle,
      ).toBe('experimental');
    } finally {
      await backend.stop();
    }
  });

  it('register-local refuses kinds that could widen access, a dry run writes nothing, a denied user writes nothing', async () => {
    const { backend, byId } = await start({ directory: dir });
    try {
      const location = actionContext({
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Location',
          metadata: { name: 'x' },
          spec: { target: '/etc/*' },
        },
      });
      await expect(
        byId('kubevirt:catalog:register-local').handler(location.ctx as any),
      ).rejects.toThrow(/kind Location cannot be registered locally/);
      const badName = actionContext({ entity: component('not valid!') });
      await expect(
        byId('kubevirt:catalog:register-local').handler(badName.ctx as any),
      ).rejects.toThrow(
        /metadata.name "not valid!" is not a valid entity name/,
      );
      const dry = actionContext(
        { entity: component('dry-service') },
        { dryRun: true },
      );
      await byId('kubevirt:catalog:register-local').handler(dry.ctx as any);
      expect(dry.outputs().entityRef).toBe('component:default/dry-service');
      expect((await fs.readdir(dir)).filter(f => f !== '_about.yaml')).toEqual(
        [],
      );
    } finally {
      await backend.stop();
    }
    const denied = await start({
      directory: dir,
      permission: AuthorizeResult.DENY,
    });
    try {
      const { ctx } = actionContext({ entity: component('denied-service') });
      await expect(
        denied.byId('kubevirt:catalog:register-local').handler(ctx as any),
      ).rejects.toThrow(/You may not register catalog entities/);
      expect((await fs.readdir(dir)).filter(f => f !== '_about.yaml')).toEqual(
        [],
      );
    } finally {
      await denied.backend.stop();
    }
  });

  it('register-local without a configured directory says how to set it up', async () => {
    const { backend, byId } = await start();
    try {
      const { ctx } = actionContext({ entity: component('any-service') });
      await expect(
        byId('kubevirt:catalog:register-local').handler(ctx as any),
      ).rejects.toThrow(
        /Local catalog registration is off: set scaffolder.kubevirt.localCatalogDirectory/,
      );
    } finally {
      await backend.stop();
    }
  });
});
