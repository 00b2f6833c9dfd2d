import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createRouter } from '../router';
import { buildOpenApiDocument } from './openApiDocument';
import { contractRoutes } from './routes';

const committed = parse(
  fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'),
);
const methods = ['get', 'post', 'put', 'patch', 'delete'];

/** Every `METHOD /path` the express router serves, with :params written as OpenAPI's {params}. */
function routerRoutes(): string[] {
  const router = createRouter({
    httpAuth: {} as any,
    services: { runner: {} } as any,
    metrics: {} as any,
  });
  return (router as any).stack
    .filter((layer: any) => layer.route)
    .flatMap((layer: any) =>
      Object.keys(layer.route.methods)
        .filter(m => methods.includes(m))
        .map(
          m =>
            `${m.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`,
        ),
    )
    .sort();
}

describe('openapi.yaml', () => {
  it('is what routes.ts and its zod schemas generate (after changing a route or schema: yarn openapi:generate)', () => {
    expect(committed).toEqual(
      JSON.parse(JSON.stringify(buildOpenApiDocument())),
    );
  });

  it('documents exactly the routes the router serves', () => {
    const documented = Object.entries(
      committed.paths as Record<string, Record<string, unknown>>,
    )
      .flatMap(([p, item]) =>
        Object.keys(item)
          .filter(m => methods.includes(m))
          .map(m => `${m.toUpperCase()} ${p}`),
      )
      .sort();
    expect(documented).toEqual(routerRoutes());
    expect(
      contractRoutes.map(r => `${r.method.toUpperCase()} ${r.path}`).sort(),
    ).toEqual(routerRoutes());
  });

  it('declares every path parameter of every route, with the name pattern the broker checks', () => {
    for (const [p, item] of Object.entries(
      committed.paths as Record<string, any>,
    )) {
      const wanted = [...p.matchAll(/\{(\w+)\}/g)].map(m => m[1]).sort();
      for (const [method, operation] of Object.entries(
        item as Record<string, any>,
      )) {
        const declared = (operation.parameters ?? []).filter(
          (x: any) => x.in === 'path',
        );
        expect([p, method, declared.map((x: any) => x.name).sort()]).toEqual([
          p,
          method,
          wanted,
        ]);
        for (const x of declared)
          expect([p, x.name, !!(x.schema.pattern || x.schema.enum)]).toEqual([
            p,
            x.name,
            true,
          ]);
      }
    }
  });

  it('has a schema for every request body and response, and no dangling $ref', () => {
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else walk(v);
        }
      }
    };
    walk(committed);
    const missing = refs.filter(
      ref =>
        ref
          .replace(/^#\//, '')
          .split('/')
          .reduce((o: any, key) => o?.[key], committed) === undefined,
    );
    expect(missing).toEqual([]);
    for (const route of contractRoutes) {
      const operation = committed.paths[route.path][route.method];
      expect([route.operationId, !!operation.requestBody]).toEqual([
        route.operationId,
        !!route.body,
      ]);
      for (const response of Object.values(operation.responses) as any[])
        expect(response.content['application/json'].schema.$ref).toMatch(
          /^#\/components\/schemas\/\w+$/,
        );
    }
  });

  it('says what the request validation says: strict bodies, required fields and name patterns', () => {
    const schemas = committed.components.schemas;
    expect(schemas.CreateSnapshotRequest).toEqual({
      type: 'object',
      properties: {
        name: {
          type: 'string',
          maxLength: 63,
          pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
        },
        dryRun: { type: 'boolean' },
      },
      additionalProperties: false,
    });
    expect(schemas.RestoreRequest.required).toEqual(['snapshot']);
    expect(schemas.BulkRequest.properties.vms).toMatchObject({
      minItems: 1,
      maxItems: 100,
    });
  });
});
